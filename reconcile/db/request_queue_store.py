"""The requests of one kind waiting for a decision, across the cases of some courts."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from reconcile.db.request_store import RequestStore
from reconcile.db.tables import courts


def requested_ids(
    conn: Connection, store: RequestStore, court_codes: Iterable[str] | None, limit: int
) -> list[int]:
    """Return the ids of the store's requests still awaiting a decision, oldest first;
    `court_codes` None: every court's."""
    table = store.table
    query = store.query().where(table.c.status == "requested").order_by(table.c.id).limit(limit)
    if court_codes is not None:
        query = query.where(courts.c.code.in_(sorted(court_codes)))
    return [row.id for row in conn.execute(query)]
