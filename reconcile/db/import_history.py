"""The latest statement imports, newest first (the staff home page lists them)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from reconcile.db.tables import collection_accounts, courts
from reconcile.db.tables_statements import statement_imports

si = statement_imports.c


def recent_imports(conn: Connection, *, court_codes: frozenset[str] | None, limit: int) -> list:
    """Return finished imports of these courts (None: every court), newest first."""
    query = (
        select(
            si.id,
            si.filename,
            si.format,
            si.imported_by,
            si.imported_at,
            si.report,
            collection_accounts.c.account_number.label("account"),
            courts.c.code.label("court"),
        )
        .join(collection_accounts, collection_accounts.c.id == si.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(si.report.is_not(None))
        .order_by(si.id.desc())
        .limit(limit)
    )
    if court_codes is not None:
        query = query.where(courts.c.code.in_(sorted(court_codes)))
    return [dict(r._mapping) for r in conn.execute(query)]
