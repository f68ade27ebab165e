"""The tamper-evident audit trail: records chained by HMAC-SHA-256 (art. 12, every step
traceable).

Each record's hash covers its content and the previous record's hash, so editing a record
breaks its own hash, deleting one breaks the sequence or the next record's link, and
deleting the last one disagrees with the stored head. The hash is keyed ([audit] key,
kept outside the database): whoever can write the database but does not hold the key
cannot re-chain what they rewrote. Records written before keying began (`keyed_from`)
keep their plain SHA-256 hashes. What the chain cannot show on its own (a truncated tail,
the money tables) the signed checkpoints show: reconcile.checkpoints.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reconcile.clock import as_utc
from reconcile.errors import Message

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """What happened, by whom, to what; before and after as plain JSON data."""

    actor: str
    role: str
    court: str | None
    action: str
    entity_type: str
    entity_id: str | None
    before: Any = None
    after: Any = None


def to_json_data(value: Any) -> Any:
    """Return `value` as plain JSON data (dates and Decimals as strings)."""
    if type(value) is dict and all(  # already plain and flat (an alert's facts): no round trip
        type(k) is str and type(v) in _JSON_SCALARS for k, v in value.items()
    ):
        return dict(sorted(value.items()))
    return json.loads(canonical_json(value))


#: the types JSON gives back as they are (exactly: a StrEnum or a bool's subclass is not)
_JSON_SCALARS = frozenset({str, int, bool, type(None)})


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
    )


def record_hash(
    seq: int, at: datetime, entry: AuditEntry, prev_hash: str, key: bytes | None
) -> str:
    """Return the hash that chains this record to the one before it: HMAC-SHA-256 under
    `key`, or plain SHA-256 for a record from before keying began (`key` None)."""
    payload = {
        "seq": seq,
        "at": as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": entry.actor,
        "role": entry.role,
        "court": entry.court,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": prev_hash,
    }
    data = canonical_json(payload).encode()
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainKey:
    """The key of the chain and the first record hashed with it."""

    key: bytes
    keyed_from: int = 1

    def for_record(self, seq: int) -> bytes | None:
        return self.key if seq >= self.keyed_from else None


@dataclass(frozen=True)
class StoredRecord:
    seq: int
    at: datetime
    entry: AuditEntry
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored chain is not what was written."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"audit record {self.seq}: {self.problem}"


def find_break(
    records: Iterable[StoredRecord], head_seq: int, head_hash: str, key: ChainKey
) -> ChainBreak | None:
    """Return the first break in the chain, or None when every record is intact."""
    expected_seq, prev_hash = 1, GENESIS_HASH
    for record in records:
        if record.seq != expected_seq:
            return ChainBreak(expected_seq, "missing (deleted)")
        if record.prev_hash != prev_hash:
            return ChainBreak(record.seq, "does not link to the record before it")
        expected = record_hash(
            record.seq, record.at, record.entry, record.prev_hash, key.for_record(record.seq)
        )
        if not hmac.compare_digest(expected, record.hash):
            return ChainBreak(record.seq, "content does not match its hash (edited)")
        expected_seq, prev_hash = expected_seq + 1, record.hash
    if expected_seq - 1 != head_seq:
        return ChainBreak(expected_seq, f"missing: the head says the last record is {head_seq}")
    if prev_hash != head_hash:
        return ChainBreak(head_seq, "the head's hash does not match the last record")
    return None


def record_problem(record: StoredRecord, previous_hash: str | None, key: ChainKey) -> str | None:
    """Return what is wrong with one record against the hash of the record before it
    (None when that record is missing), or None when it is intact and linked."""
    if previous_hash is None:
        return "the record before it is missing (deleted)"
    if record.prev_hash != previous_hash:
        return "does not link to the record before it"
    expected = record_hash(
        record.seq, record.at, record.entry, record.prev_hash, key.for_record(record.seq)
    )
    if not hmac.compare_digest(expected, record.hash):
        return "content does not match its hash (edited)"
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, Message):  # a note the service wrote: its template and facts
        return {"template": value.template, "facts": value.facts}
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset | set | tuple):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")
