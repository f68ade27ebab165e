"""The payments and refunds waiting at a level a position decides: the approvals queue's
page and its 合计 (#20).

The position a request's next level names is a condition of the query (the element
`approvals_count` of `level_positions`, as `approving.position_of_level` reads it), so a
page reads the rows it shows, not up to 2,000 requests to find them among the others'.
The filters and the pages' order are those of the lists (reconcile/db/disbursement_lists.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, String, false, func, true

from reconcile.db import disbursement_lists
from reconcile.db.tables_payments import disbursements
from reconcile.disbursement_lists import Cursor, DisbursementFilters, DisbursementSort

dc = disbursements.c


def next_position(conn: Connection):
    """The position the next level names; NULL: any approver (no positions named, or
    fewer than the levels, or a null among them)."""
    if conn.dialect.name == "postgresql":
        return dc.level_positions.op("->>", return_type=String)(dc.approvals_count)
    path = func.printf("$[%d]", dc.approvals_count)
    return func.json_extract(dc.level_positions, path, type_=String)


def at_position(conn: Connection, held: str | None):
    """The requests whose next level `held` (a position, or None: none) decides: the
    position named is `held`, or none is. Written as a COALESCE, which PostgreSQL takes
    for half the rows: as `position IS NULL OR position = held` it takes it for 0.5 %, and
    sorts every request waiting in the court to show 50 of them (16 ms at 11,000)."""
    position = next_position(conn)
    if held is None:
        return func.coalesce(position.is_(None), false())
    return func.coalesce(position == held, true())


def waiting_page(
    conn: Connection,
    filters: DisbursementFilters,
    held: str | None,
    *,
    sort: DisbursementSort = DisbursementSort.OLDEST,
    after: Cursor = (None, 0),
    limit: int = 50,
) -> list[dict]:
    """Return the requests after the key `after` in `sort` order whose next level the
    position `held` decides, at most `limit`."""
    return disbursement_lists.list_page(
        conn, filters, sort=sort, after=after, limit=limit, also=(at_position(conn, held),)
    )


def waiting_totals(conn: Connection, filters: DisbursementFilters, held: str | None) -> dict:
    """Return the count and the sum (fen) of the requests the filters show whose next
    level the position `held` decides."""
    return disbursement_lists.summed(conn, filters, at_position(conn, held))
