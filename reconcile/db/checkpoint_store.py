"""Audit checkpoints: the stored copies, the money rows they cover, the writers' lock.

A checkpoint covers every row up to an id. On PostgreSQL ids are handed out before
commit, so a row with a lower id can commit after one with a higher id; a checkpoint that
read "everything up to the highest id" then would miss it, and every later verification
would find it uncovered. So writers of ledger entries and statement lines take a shared
advisory lock (`share_with_checkpoints`) and the checkpoint the exclusive one
(`exclude_writers`): while it reads, no such write is in flight. SQLite has one writer at
a time anyway (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, func, insert, select, text

from reconcile.checkpoints import Checkpoint
from reconcile.db.tables import audit_checkpoints, ledger_entries
from reconcile.db.tables_statements import statement_lines

#: the advisory lock key money writers share and checkpoints take alone ("ckpt")
_LOCK_KEY = 0x636B7074

#: what a checkpoint binds of each money table: every column that never changes after
#: insert (a line's status, case and notes move on through its lifecycle, recorded in
#: the audit trail; its dedupe key may be released by a void)
BOUND = {
    "ledger_entries": (
        ledger_entries,
        (
            "id",
            "ledger_account_id",
            "bucket",
            "amount",
            "kind",
            "transaction_id",
            "hold_id",
            "disbursement_id",
            "reverses_entry_id",
            "note",
            "created_at",
        ),
    ),
    "statement_lines": (
        statement_lines,
        (
            "id",
            "statement_id",
            "collection_account_id",
            "line_no",
            "direction",
            "amount",
            "currency",
            "booked_on",
            "value_date",
            "booked_at",
            "bank_reference",
            "counterparty_name",
            "counterparty_account",
            "counterparty_bank",
            "remark",
            "sub_account",
            "raw",
        ),
    ),
}


def share_with_checkpoints(conn: Connection) -> None:
    """Call before writing ledger entries or statement lines in a transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": _LOCK_KEY})


def exclude_writers(conn: Connection) -> None:
    """Wait for in-flight money writes to end, and hold new ones off, until commit."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def last_id(conn: Connection, table_name: str) -> int:
    table, _ = BOUND[table_name]
    return conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()


def count_through(conn: Connection, table_name: str, through: int) -> int:
    table, _ = BOUND[table_name]
    return conn.execute(
        select(func.count()).select_from(table).where(table.c.id <= through)
    ).scalar_one()


def bound_rows(conn: Connection, table_name: str, after: int, through: int) -> Iterator[tuple]:
    """Yield the bound columns of the rows with ids in (after, through], in id order."""
    table, columns = BOUND[table_name]
    query = (
        select(*(table.c[name] for name in columns))
        .where(table.c.id > after, table.c.id <= through)
        .order_by(table.c.id)
        .execution_options(yield_per=5000)
    )
    with conn.execute(query) as result:
        for row in result:
            yield tuple(row)


def latest(conn: Connection) -> Checkpoint | None:
    row = conn.execute(
        select(audit_checkpoints.c.document).order_by(audit_checkpoints.c.number.desc()).limit(1)
    ).scalar_one_or_none()
    return None if row is None else Checkpoint.from_document(row)


def stored(conn: Connection) -> list[dict]:
    """Return the documents of every stored checkpoint, oldest first."""
    return list(
        conn.execute(
            select(audit_checkpoints.c.document).order_by(audit_checkpoints.c.number)
        ).scalars()
    )


def insert_checkpoint(conn: Connection, checkpoint: Checkpoint) -> None:
    conn.execute(
        insert(audit_checkpoints).values(
            number=checkpoint.number,
            taken_at=checkpoint.taken_at,
            document=checkpoint.document(),
        )
    )


def documents_by_numbers(conn: Connection, numbers: list[int]) -> dict[int, dict]:
    if not numbers:
        return {}
    rows = conn.execute(
        select(audit_checkpoints.c.number, audit_checkpoints.c.document).where(
            audit_checkpoints.c.number.in_(numbers)
        )
    )
    return {row.number: row.document for row in rows}
