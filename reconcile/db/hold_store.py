"""Reading and writing holds."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from reconcile.db.tables import cases, courts
from reconcile.db.tables_payments import holds
from reconcile.errors import Conflict

hc = holds.c


def insert_hold(conn: Connection, **values) -> int:
    return conn.execute(insert(holds).values(status="active", **values)).inserted_primary_key[0]


def _query():
    return (
        select(holds, courts.c.code.label("court"))
        .join(cases, cases.c.id == hc.case_id)
        .join(courts, courts.c.id == cases.c.court_id)
    )


def hold_by_id(conn: Connection, hold_id: int, *, lock: bool = False) -> dict | None:
    """Return a hold with its court code; `lock` keeps it locked until the transaction ends."""
    query = _query().where(hc.id == hold_id)
    if lock:
        query = query.with_for_update(of=holds)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def holds_of_case(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(_query().where(hc.case_id == case_id).order_by(hc.id))
    return [dict(r._mapping) for r in rows]


def record_release(conn: Connection, hold: dict, amount: int, status: str, at) -> None:
    """Add a release to a hold, guarded on what was released before."""
    result = conn.execute(
        update(holds)
        .where(hc.id == hold["id"], hc.released == hold["released"])
        .values(
            released=hc.released + amount,
            status=status,
            released_at=at if status == "released" else None,
        )
    )
    if result.rowcount != 1:
        raise Conflict("the hold was released concurrently; reload it")
