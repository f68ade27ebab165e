"""Signed checkpoints of the audit chain and of the money tables, kept by the complaint desk.

The keyed chain (reconcile.audit) stops a database writer without the key from rewriting
a record and re-chaining the rest; it cannot show a truncated tail (the head is in the
same database) and it does not cover the money itself. A checkpoint does both. Taken every
[audit] checkpoint_minutes, it states:

- the chain's head: record `audit_seq` with hash `audit_hash`;
- for ledger entries and for statement lines, the rows added since the previous
  checkpoint (ids after `after` up to `through`): how many, and a keyed digest of their
  contents; and how many rows there are in all up to `through`;
- the previous checkpoint's signature, so that a missing checkpoint shows;

signed with HMAC-SHA-256 under the chain's key, appended to the chain as a record of its
own and sent to the complaint desk, which keeps every one. Checked against the desk's
copies, `reconcile audit verify` finds a truncated tail (a record a checkpoint saw is
gone), a rewritten one (its hash differs from what the checkpoint saw), and any edit,
insertion or deletion of a ledger entry or statement line that a checkpoint covers, even
one made consistently with the balances. Rows written after the last checkpoint are
covered by the next one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from reconcile.audit import canonical_json
from reconcile.clock import as_utc

#: the desk webhook topic checkpoints travel under (X-Reconcile-Topic)
TOPIC = "checkpoint"


@dataclass(frozen=True)
class Coverage:
    """The rows of one money table a checkpoint covers: ids in (`after`, `through`].

    Each checkpoint's digest stands on its own, so one the desk lacks does not keep the
    others from being checked; `total` (every row up to `through`) still shows a row
    deleted from the rows of a missing one."""

    after: int
    through: int
    rows: int
    total: int
    digest: str


def cover(key: bytes, after: int, through: int, rows: Iterable[Sequence], total: int) -> Coverage:
    """Return the coverage of `rows`: every row with an id in (after, through], in id order."""
    added, count = hashlib.sha256(), 0
    for row in rows:
        added.update(canonical_json(list(row)).encode())
        added.update(b"\n")
        count += 1
    message = f"{after}:{through}:{count}:{added.hexdigest()}".encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return Coverage(after=after, through=through, rows=count, total=total, digest=digest)


@dataclass(frozen=True)
class Checkpoint:
    number: int
    taken_at: datetime
    audit_seq: int
    audit_hash: str
    keyed_from: int
    ledger_entries: Coverage
    statement_lines: Coverage
    #: the signature of checkpoint number - 1 ("" for the first)
    previous: str
    signature: str = ""

    def document(self) -> dict:
        """Return the checkpoint as the JSON document the desk receives and keeps."""
        data = {"id": self.number, **asdict(self)}  # receivers de-duplicate on id
        data["taken_at"] = as_utc(self.taken_at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return data

    @classmethod
    def from_document(cls, data: dict) -> Checkpoint:
        """Read a document back; KeyError or ValueError if it is not one."""
        return cls(
            number=int(data["number"]),
            taken_at=datetime.fromisoformat(data["taken_at"].replace("Z", "+00:00")),
            audit_seq=int(data["audit_seq"]),
            audit_hash=str(data["audit_hash"]),
            keyed_from=int(data["keyed_from"]),
            ledger_entries=Coverage(**data["ledger_entries"]),
            statement_lines=Coverage(**data["statement_lines"]),
            previous=str(data["previous"]),
            signature=str(data["signature"]),
        )

    def signed(self, key: bytes) -> Checkpoint:
        return replace(self, signature=signature_of(key, self))


def signature_of(key: bytes, checkpoint: Checkpoint) -> str:
    """Return the HMAC-SHA-256 of everything the checkpoint states but its signature."""
    document = replace(checkpoint, signature="").document()
    return hmac.new(key, canonical_json(document).encode(), hashlib.sha256).hexdigest()


def signature_holds(key: bytes, checkpoint: Checkpoint) -> bool:
    return hmac.compare_digest(signature_of(key, checkpoint), checkpoint.signature)
