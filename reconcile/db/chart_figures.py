"""The figures the charts page draws: orphans by age band, alerts by kind in a period."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, case, func, select

from reconcile.db.tables import collection_accounts, courts
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_parts import transaction_parts
from reconcile.db.tables_statements import statement_lines

sl, tp, a = statement_lines.c, transaction_parts.c, alerts.c


def orphan_ageing(
    conn: Connection, *, court_codes: frozenset[str] | None, bands: list[tuple[str, date]]
) -> dict[str, dict[str, int]]:
    """Count and sum (fen no case holds yet) the orphan credits per age band; `bands` are
    (name, earliest booking day) from the youngest band to the oldest, whose day is None."""
    placed = (
        select(func.coalesce(func.sum(tp.amount), 0))
        .where(tp.transaction_id == sl.id, tp.reversed_at.is_(None))
        .scalar_subquery()
    )
    band = case(
        *((sl.booked_on >= since, name) for name, since in bands if since is not None),
        else_=bands[-1][0],
    )
    query = (
        select(band.label("band"), func.count(), func.sum(sl.amount - placed))
        .join(collection_accounts, collection_accounts.c.id == sl.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(sl.status == "orphan", sl.direction == "credit")
        .group_by(band)
    )
    if court_codes is not None:
        query = query.where(courts.c.code.in_(sorted(court_codes)))
    found = {name: {"count": 0, "amount": 0} for name, _ in bands}
    for name, count, total in conn.execute(query):
        found[name] = {"count": count, "amount": int(total or 0)}
    return found


def alerts_by_week_and_kind(
    conn: Connection, *, courts_: frozenset[str] | None, starts: list[datetime], end: datetime
) -> dict[int, dict[str, int]]:
    """Count the alerts raised per period and kind in one pass; period n runs from
    `starts[n]` to the next start (the last to `end`); `starts` ascend."""
    period = case(
        *((a.raised_at >= start, n) for n, start in reversed(list(enumerate(starts)))),
        else_=-1,
    )
    query = (
        select(period.label("period"), a.kind, func.count())
        .where(a.raised_at >= starts[0], a.raised_at < end)
        .group_by(period, a.kind)
    )
    if courts_ is not None:
        query = query.where(a.court.in_(sorted(courts_)))
    found: dict[int, dict[str, int]] = {n: {} for n in range(len(starts))}
    for n, kind, count in conn.execute(query):
        found[n][kind] = count
    return found
