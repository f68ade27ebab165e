"""Taking audit checkpoints and checking the books against them (reconcile.checkpoints)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from reconcile.actors import SYSTEM
from reconcile.checkpoints import TOPIC, Checkpoint, Coverage, cover, signature_holds
from reconcile.clock import utc_now
from reconcile.db import audit_log, checkpoint_store, outbox
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork

TABLES = ("ledger_entries", "statement_lines")


def take_checkpoint(engine: Engine) -> Checkpoint:
    """Take the next checkpoint, chain it and queue it for the desk; return it."""
    with UnitOfWork(engine) as uow:
        conn = uow.conn
        checkpoint_store.exclude_writers(conn)
        head = audit_log.locked_head(conn)
        key = audit_log.chain_key(conn, head.keyed_from).key
        last = checkpoint_store.latest(conn)
        covered = {}
        for table in TABLES:
            after = getattr(last, table).through if last else 0
            through = max(checkpoint_store.last_id(conn, table), after)
            covered[table] = _covered(conn, key, table, after, through)
        checkpoint = Checkpoint(
            number=(last.number if last else 0) + 1,
            taken_at=utc_now(),
            audit_seq=head.seq,
            audit_hash=head.hash,
            keyed_from=head.keyed_from,
            ledger_entries=covered["ledger_entries"],
            statement_lines=covered["statement_lines"],
            previous=last.signature if last else "",
        ).signed(key)
        checkpoint_store.insert_checkpoint(conn, checkpoint)
        outbox.queue_checkpoint(conn, checkpoint.number, checkpoint.taken_at)
        uow.audit(
            SYSTEM,
            "audit.checkpoint_taken",
            "audit_checkpoint",
            checkpoint.number,
            after=checkpoint.document(),
        )
        uow.commit()
    return checkpoint


@dataclass(frozen=True)
class CheckpointBreak:
    """What a checkpoint states that the database no longer shows."""

    number: int | None
    problem: str

    def __str__(self) -> str:
        where = f"checkpoint {self.number}" if self.number is not None else "checkpoints"
        return f"{where}: {self.problem}"


def read_documents(text: str) -> list[dict]:
    """Return the checkpoint documents in a file the desk kept: JSON lines, each either a
    checkpoint or a stored webhook message {"topic", "body"} (the reference receiver's
    --store file); other messages are skipped. ValueError names a line that is not JSON."""
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as e:
            raise ValueError(f"line {number}: not JSON ({e})") from None
        if isinstance(data, dict) and "topic" in data and "body" in data:
            if data["topic"] != TOPIC:
                continue
            data = data["body"]
        documents.append(data)
    return documents


def checkpoint_breaks(engine: Engine, documents: Iterable[dict] | None = None) -> list:
    """Check the chain's head and the money tables against checkpoints: the desk's
    `documents`, or (None) the database's own copies, which a database writer could
    delete. Return every break found, [] when everything a checkpoint saw is still so."""
    with UnitOfWork(engine) as uow:
        conn = uow.conn
        if documents is None:
            documents = checkpoint_store.stored(conn)
        head = audit_log.head(conn)
        key = audit_log.chain_key(conn, head.keyed_from).key
        checkpoints, breaks = _read(documents, key)
        previous: Checkpoint | None = None
        for checkpoint in checkpoints:
            breaks += _chain_breaks(conn, head, checkpoint, previous)
            for table in TABLES:
                stated: Coverage = getattr(checkpoint, table)
                found = _covered(conn, key, table, stated.after, stated.through)
                if found != stated:
                    breaks.append(_money_break(checkpoint.number, table, stated, found))
            previous = checkpoint
    return breaks


def _covered(conn, key: bytes, table: str, after: int, through: int) -> Coverage:
    rows = checkpoint_store.bound_rows(conn, table, after, through)
    total = checkpoint_store.count_through(conn, table, through)
    return cover(key, after, through, rows, total)


def _read(documents: Iterable[dict], key: bytes) -> tuple[list[Checkpoint], list]:
    checkpoints, breaks = {}, []
    for document in documents:
        try:
            checkpoint = Checkpoint.from_document(document)
        except (KeyError, TypeError, ValueError, AttributeError):
            breaks.append(CheckpointBreak(None, f"not a checkpoint: {str(document)[:200]}"))
            continue
        if not signature_holds(key, checkpoint):
            breaks.append(CheckpointBreak(checkpoint.number, "its signature does not hold"))
            continue
        checkpoints[checkpoint.number] = checkpoint  # the desk may hold a retry twice
    return [checkpoints[n] for n in sorted(checkpoints)], breaks


def _chain_breaks(conn, head, checkpoint: Checkpoint, previous: Checkpoint | None) -> list:
    breaks = []
    number = checkpoint.number
    if previous is not None and checkpoint.previous != previous.signature:
        if number == previous.number + 1:
            breaks.append(CheckpointBreak(number, "does not follow the checkpoint before it"))
        else:
            breaks.append(
                CheckpointBreak(
                    number, f"checkpoints {previous.number + 1}-{number - 1} are missing"
                )
            )
    if checkpoint.keyed_from != head.keyed_from:
        breaks.append(CheckpointBreak(number, "the chain's keyed_from was changed"))
    if checkpoint.audit_seq == 0:
        return breaks
    if head.seq < checkpoint.audit_seq:
        breaks.append(
            CheckpointBreak(
                number,
                f"the audit trail ends at record {head.seq}, but the checkpoint saw record "
                f"{checkpoint.audit_seq} (truncated)",
            )
        )
        return breaks
    stored = audit_log.record_hash_at(conn, checkpoint.audit_seq)
    if stored != checkpoint.audit_hash:
        breaks.append(
            CheckpointBreak(
                number,
                f"audit record {checkpoint.audit_seq} is not the one the checkpoint saw "
                "(rewritten or deleted)",
            )
        )
    return breaks


def _money_break(number: int, table: str, stated: Coverage, found: Coverage) -> CheckpointBreak:
    span = f"{table} {stated.after + 1}-{stated.through}"
    if stated.rows != found.rows:
        change = f"{found.rows} rows where it counted {stated.rows} (inserted or deleted)"
    elif stated.total != found.total:
        change = (
            f"{found.total} rows up to id {stated.through} where it counted {stated.total}"
            " (inserted or deleted before them)"
        )
    else:
        change = "the same rows, but their contents changed (edited)"
    return CheckpointBreak(number, f"{span}: the database has {change}")
