"""Appending to and reading the hash-chained audit trail.

The chain's key comes with the connection (the engine's `audit_key` execution option,
reconcile.db.engine), the first keyed record's number with the head.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, Result, and_, insert, or_, select, update

from reconcile.audit import (
    GENESIS_HASH,
    AuditEntry,
    ChainBreak,
    ChainKey,
    StoredRecord,
    find_break,
    record_hash,
)
from reconcile.clock import utc_now
from reconcile.db.tables import audit_head, audit_records

HEAD_ID = 1


def append(conn: Connection, entries: list[AuditEntry]) -> None:
    """Chain `entries` onto the trail; the head's row lock serialises concurrent appenders."""
    if not entries:
        return
    head = locked_head(conn)
    key = chain_key(conn, head.keyed_from)
    seq, prev_hash = head.seq, head.hash
    at = utc_now()
    rows = []
    for entry in entries:
        seq += 1
        digest = record_hash(seq, at, entry, prev_hash, key.for_record(seq))
        rows.append(
            {**_entry_columns(entry), "seq": seq, "at": at, "prev_hash": prev_hash, "hash": digest}
        )
        prev_hash = digest
    conn.execute(insert(audit_records), rows)
    conn.execute(
        update(audit_head).where(audit_head.c.id == HEAD_ID).values(seq=seq, hash=prev_hash)
    )


def locked_head(conn: Connection):
    """Return the head (seq, hash, keyed_from), locked until the transaction ends: appenders
    and checkpoints queue on it."""
    return conn.execute(
        select(audit_head.c.seq, audit_head.c.hash, audit_head.c.keyed_from)
        .where(audit_head.c.id == HEAD_ID)
        .with_for_update()
    ).one()


def head(conn: Connection):
    """Return the head (seq, hash, keyed_from) without locking it."""
    return conn.execute(
        select(audit_head.c.seq, audit_head.c.hash, audit_head.c.keyed_from).where(
            audit_head.c.id == HEAD_ID
        )
    ).one()


def chain_key(conn: Connection, keyed_from: int = 1) -> ChainKey:
    """Return the chain's key, as the connection's engine carries it."""
    return ChainKey(conn.get_execution_options().get("audit_key", b""), keyed_from)


def verify(conn: Connection) -> ChainBreak | None:
    """Return the first break in the stored chain, or None."""
    stored_head = head(conn)
    result = conn.execute(
        select(audit_records).order_by(audit_records.c.seq).execution_options(yield_per=2000)
    )
    with result:
        return find_break(
            _stored_records(result),
            stored_head.seq,
            stored_head.hash,
            chain_key(conn, stored_head.keyed_from),
        )


def record_hash_at(conn: Connection, seq: int) -> str | None:
    """Return the stored hash of record `seq`, or None if there is no such record."""
    return conn.execute(
        select(audit_records.c.hash).where(audit_records.c.seq == seq)
    ).scalar_one_or_none()


def records_for(conn: Connection, entity_type: str, entity_id: str) -> list[dict]:
    """Return the audit records of one entity, oldest first."""
    rows = conn.execute(
        select(audit_records)
        .where(audit_records.c.entity_type == entity_type, audit_records.c.entity_id == entity_id)
        .order_by(audit_records.c.seq)
    )
    return [dict(row._mapping) for row in rows]


def records_of(
    conn: Connection,
    entities: dict[str, list[str]],
    *,
    courts: frozenset[str] | None,
    after_seq: int = 0,
    limit: int = 100,
) -> list[StoredRecord]:
    """Return a page of the records of these entities (type -> ids), oldest first;
    `courts` None means every court (records without a court are shown to all)."""
    wanted = [
        and_(audit_records.c.entity_type == kind, audit_records.c.entity_id.in_(ids))
        for kind, ids in entities.items()
        if ids
    ]
    if not wanted:
        return []
    query = select(audit_records).where(or_(*wanted), audit_records.c.seq > after_seq)
    if courts is not None:
        query = query.where(
            or_(audit_records.c.court.in_(sorted(courts)), audit_records.c.court.is_(None))
        )
    return list(_stored_records(conn.execute(query.order_by(audit_records.c.seq).limit(limit))))


def previous_hashes(conn: Connection, seqs: list[int]) -> dict[int, str | None]:
    """Return, for each record number, the hash of the record before it (None if missing)."""
    before = {seq - 1 for seq in seqs}
    found = dict(
        conn.execute(
            select(audit_records.c.seq, audit_records.c.hash).where(
                audit_records.c.seq.in_(sorted(before - {0}))
            )
        ).all()
    )
    found[0] = GENESIS_HASH
    return {seq: found.get(seq - 1) for seq in seqs}


def _stored_records(result: Result) -> Iterator[StoredRecord]:
    for row in result:
        entry = AuditEntry(
            actor=row.actor,
            role=row.role,
            court=row.court,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            before=row.before,
            after=row.after,
        )
        yield StoredRecord(row.seq, row.at, entry, row.prev_hash, row.hash)


def _entry_columns(entry: AuditEntry) -> dict:
    return {
        "actor": entry.actor,
        "role": entry.role,
        "court": entry.court,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
    }
