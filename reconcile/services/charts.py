"""The figures of the charts page (统计图表): orphan ageing, alerts per week, deadline load.

Read-only, for the roles that read the daily reconciliation; each figure covers the
actor's courts. The bank balance against the books comes from reconciliation_report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from reconcile.actors import Actor
from reconcile.alerts import AlertKind
from reconcile.clock import COURT_TZ
from reconcile.db import alert_store, chart_figures
from reconcile.db.uow import UnitOfWork
from reconcile.permissions import Verb
from reconcile.services.access import require

#: age bands of an orphan credit: name, the youngest age in days that falls in it
AGE_BANDS = (("0-7", 0), ("8-30", 8), ("31-90", 31), ("90+", 91))
#: the deadline alerts by what they say of the deadline
DUE_SOON = (AlertKind.NOTICE_DUE_SOON,)
OVERDUE = (AlertKind.NOTICE_OVERDUE, AlertKind.PAYMENT_OVERDUE)
#: a deadline count stops here, as the alerts page's tabs do
MOST_COUNTED = 10_000


def orphan_ageing(uow: UnitOfWork, actor: Actor, today: date) -> list[dict]:
    """Return per age band (days since the bank booked it) how many orphan credits there
    are and the fen no case holds of them yet, youngest band first."""
    require(actor, Verb.READ_RECONCILIATION)
    # a band holds the credits younger than the next band's youngest age
    edges = [
        (name, today - timedelta(days=AGE_BANDS[i + 1][1] - 1))
        for i, (name, _) in enumerate(AGE_BANDS[:-1])
    ]
    edges.append((AGE_BANDS[-1][0], None))
    with uow:
        found = chart_figures.orphan_ageing(uow.conn, court_codes=_courts(actor), bands=edges)
    return [{"band": name, **found[name]} for name, _ in AGE_BANDS]


def alerts_per_week(uow: UnitOfWork, actor: Actor, today: date, weeks: int) -> list[dict]:
    """Return per week (Monday to Sunday, court-local), oldest first, the alerts raised of
    each kind; the last week is the current one."""
    require(actor, Verb.READ_RECONCILIATION)
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    with uow:
        found = chart_figures.alerts_by_week_and_kind(
            uow.conn,
            courts_=_courts(actor),
            starts=[_midnight(start) for start in starts],
            end=_midnight(monday + timedelta(weeks=1)),
        )
    return [{"week": start, "kinds": found[n]} for n, start in enumerate(starts)]


def deadline_load(uow: UnitOfWork, actor: Actor) -> dict[str, dict[str, int]]:
    """Return the unresolved deadline alerts: those due soon (this week) and overdue, by kind."""
    require(actor, Verb.READ_RECONCILIATION)
    load: dict[str, dict[str, int]] = {"due_week": {}, "overdue": {}}
    with uow:
        for group, kinds in (("due_week", DUE_SOON), ("overdue", OVERDUE)):
            for kind in kinds:
                counts = alert_store.count_alerts(
                    uow.conn,
                    courts=_courts(actor),
                    statuses=("open", "acknowledged"),
                    most=MOST_COUNTED,
                    kind=str(kind),
                )
                load[group][str(kind)] = sum(counts.values())
    return load


def _courts(actor: Actor) -> frozenset[str] | None:
    return None if actor.all_courts else actor.courts


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), COURT_TZ).astimezone(UTC)
