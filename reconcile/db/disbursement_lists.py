"""The disbursements a list shows: by filters, in pages by key (never OFFSET), with the
count and sum of them all and the count of each status (#20).

A page of one court is a range read of an index in the page's order (migration 0035):
ix_disbursements_court_status for a status in id order, ix_disbursements_court_id for
every status, ix_disbursements_court_amount for the largest first. The counts, and the
合计 of filters of court, status and kind alone, are the kept counts (disbursement_counts:
a few rows, not every payment of the court); of other filters they read
ix_disbursements_court_status alone.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, or_, select

from reconcile.db import disbursement_counts
from reconcile.db.tables import cases, courts
from reconcile.db.tables_payments import disbursements, payment_batch_items
from reconcile.disbursement_lists import Cursor, DisbursementFilters, DisbursementSort

dc = disbursements.c


def _listed():
    batch = payment_batch_items.c
    return (
        select(
            disbursements,
            courts.c.code.label("court"),
            cases.c.case_number,
            batch.batch_id.label("payment_batch_id"),
        )
        .join(courts, courts.c.id == dc.court_id)
        .outerjoin(cases, cases.c.id == dc.case_id)
        .outerjoin(payment_batch_items, batch.disbursement_id == dc.id)
    )


def _conditions(
    conn: Connection,
    filters: DisbursementFilters,
    *,
    with_status: bool = True,
    amount_seek: bool = True,
) -> list:
    """The filters as conditions. The courts are named by id, read first: a condition on
    the joined courts' code is no constant to the planner, and PostgreSQL then reads no
    index of disbursements by court. Without `amount_seek`, an amount range is not one
    an index can seek (`amount + 0`): the 合计 of a range of amounts with other filters
    is read from ix_disbursements_court_status alone, where SQLite would otherwise take
    the range of ix_disbursements_court_amount and read every row it names (10 times
    slower at 100,000 payments)."""
    found = []
    amount = dc.amount if amount_seek else dc.amount + 0
    if filters.courts is not None:
        found.append(dc.court_id.in_(_court_ids(conn, filters)))
    if with_status and filters.statuses is not None:
        found.append(dc.status.in_(filters.statuses))
    if filters.kind is not None:
        found.append(dc.kind == filters.kind)
    if filters.requested_from is not None:
        found.append(dc.requested_at >= filters.requested_from)
    if filters.requested_before is not None:
        found.append(dc.requested_at < filters.requested_before)
    if filters.amount_min is not None:
        found.append(amount >= filters.amount_min)
    if filters.amount_max is not None:
        found.append(amount <= filters.amount_max)
    return found


def _court_ids(conn: Connection, filters: DisbursementFilters) -> list[int] | None:
    if filters.courts is None:
        return None
    ids = select(courts.c.id).where(courts.c.code.in_(sorted(filters.courts)))
    return sorted(conn.execute(ids).scalars())


def _counted(filters: DisbursementFilters) -> bool:
    """Whether the kept counts answer for these filters: none but court, status and kind."""
    return (
        filters.requested_from is None
        and filters.requested_before is None
        and filters.amount_min is None
        and filters.amount_max is None
    )


def list_page(
    conn: Connection,
    filters: DisbursementFilters,
    *,
    sort: DisbursementSort = DisbursementSort.OLDEST,
    after: Cursor = (None, 0),
    limit: int = 50,
    also: tuple = (),
) -> list[dict]:
    """Return the disbursements after the key `after` in `sort` order, at most `limit`
    (and, `also`, of these further conditions)."""
    query = _listed().where(*_conditions(conn, filters), *also)
    amount, last_id = after
    if sort is DisbursementSort.NEWEST:
        if last_id:
            query = query.where(dc.id < last_id)
        query = query.order_by(dc.id.desc())
    elif sort is DisbursementSort.LARGEST:
        if amount is not None:  # `amount <=` first: the page after is a range from the key
            query = query.where(
                dc.amount <= amount,
                or_(dc.amount < amount, and_(dc.amount == amount, dc.id > last_id)),
            )
        query = query.order_by(dc.amount.desc(), dc.id)
    else:
        query = query.where(dc.id > last_id).order_by(dc.id)
    return [dict(r._mapping) for r in conn.execute(query.limit(limit))]


def totals(conn: Connection, filters: DisbursementFilters) -> dict:
    """Return the count and the sum (fen) of every disbursement the filters show."""
    if _counted(filters):
        kept = disbursement_counts.counts(
            conn, _court_ids(conn, filters), statuses=filters.statuses, kind=filters.kind
        ).values()
        return {"count": sum(n for n, _ in kept), "amount": sum(a for _, a in kept)}
    return summed(conn, filters)


def summed(conn: Connection, filters: DisbursementFilters, *also) -> dict:
    """Return the count and the sum (fen) of the disbursements the filters (and the
    conditions `also`) show, counted from the rows."""
    query = select(func.count(dc.id), func.coalesce(func.sum(dc.amount), 0)).where(
        *_conditions(conn, filters, amount_seek=False), *also
    )
    count, amount = conn.execute(query).one()
    return {"count": int(count), "amount": int(amount)}


def status_counts(conn: Connection, filters: DisbursementFilters) -> dict[str, int]:
    """Return the count of each status among the disbursements the other filters show."""
    if _counted(filters):
        kept = disbursement_counts.counts(conn, _court_ids(conn, filters), kind=filters.kind)
        return {status: n for status, (n, _) in kept.items()}
    query = (
        select(dc.status, func.count(dc.id))
        .where(*_conditions(conn, filters, with_status=False, amount_seek=False))
        .group_by(dc.status)
    )
    return {status: int(n) for status, n in conn.execute(query)}
