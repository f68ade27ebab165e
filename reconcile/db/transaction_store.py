"""Reading and resolving statement lines (the API's transactions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, or_, select, update

from reconcile.db.tables import cases, collection_accounts, courts
from reconcile.db.tables_parts import transaction_parts
from reconcile.db.tables_statements import statement_lines

sl = statement_lines.c
tp = transaction_parts.c


def _query():
    return (
        select(statement_lines, courts.c.code.label("court"))
        .join(collection_accounts, collection_accounts.c.id == sl.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
    )


def line_by_id(conn: Connection, line_id: int, *, for_update: bool = False) -> dict | None:
    query = _query().where(sl.id == line_id)
    if for_update:
        query = query.with_for_update(of=statement_lines)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def list_lines(
    conn: Connection,
    *,
    court_codes: frozenset[str] | None,
    status: str | None = None,
    case_id: int | None = None,
    direction: str | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[dict]:
    """Return a page of lines, oldest first (so orphans list by age); None courts: all."""
    query = _query().where(sl.id > after_id).order_by(sl.id).limit(limit)
    if court_codes is not None:
        query = query.where(courts.c.code.in_(court_codes))
    for column, value in (("status", status), ("direction", direction)):
        if value is not None:
            query = query.where(sl[column] == value)
    if case_id is not None:  # the case's own lines, and the lines with a part placed on it
        placed = select(tp.transaction_id).where(tp.case_id == case_id, tp.reversed_at.is_(None))
        query = query.where(or_(sl.case_id == case_id, sl.id.in_(placed)))
    return [dict(r._mapping) for r in conn.execute(query)]


def set_line(conn: Connection, line_id: int, **values) -> None:
    conn.execute(update(statement_lines).where(sl.id == line_id).values(**values))


def placed_parts(conn: Connection, line_ids: list[int]) -> dict[int, list[dict]]:
    """Return the parts still placed of each line in `line_ids`, oldest first, by line."""
    found: dict[int, list[dict]] = {line_id: [] for line_id in line_ids}
    if not line_ids:
        return found
    rows = conn.execute(
        select(transaction_parts, cases.c.case_number)
        .join(cases, cases.c.id == tp.case_id)
        .where(tp.transaction_id.in_(line_ids), tp.reversed_at.is_(None))
        .order_by(tp.id)
    )
    for row in rows:
        found[row.transaction_id].append(dict(row._mapping))
    return found


def add_part(conn: Connection, **values) -> int:
    """Record a part of a credit placed on a case; return its id."""
    return conn.execute(insert(transaction_parts).values(**values)).inserted_primary_key[0]


def mark_part_reversed(conn: Connection, part_id: int, *, by: str, reason: str, at: datetime):
    """Record that the part was taken off its case; False if it was taken off already."""
    done = conn.execute(
        update(transaction_parts)
        .where(tp.id == part_id, tp.reversed_at.is_(None))
        .values(reversed_at=at, reversed_by=by, reversal_reason=reason)
    )
    return done.rowcount == 1
