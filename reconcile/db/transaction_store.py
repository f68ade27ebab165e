"""Reading and resolving statement lines (the API's transactions)."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from reconcile.db.tables import collection_accounts, courts
from reconcile.db.tables_statements import statement_lines

sl = statement_lines.c


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
    for column, value in (("status", status), ("case_id", case_id), ("direction", direction)):
        if value is not None:
            query = query.where(sl[column] == value)
    return [dict(r._mapping) for r in conn.execute(query)]


def set_line(conn: Connection, line_id: int, **values) -> None:
    conn.execute(update(statement_lines).where(sl.id == line_id).values(**values))
