"""The monthly execution ↔ finance check, per court (reconcile.execution_checks)."""

from __future__ import annotations

from datetime import date, datetime, time

from reconcile.actors import Actor
from reconcile.clock import COURT_TZ, utc_now
from reconcile.db import execution_check_store as store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound, ValidationFailed
from reconcile.execution_checks import ANSWERING, UNCONFIRMED, UNPAID, month_bounds
from reconcile.permissions import Verb
from reconcile.services.access import require

#: rows per section; a longer section says it is cut (the finance office works the oldest)
MOST = 1000


def check_report(uow: UnitOfWork, actor: Actor, court: str, month: str) -> dict:
    """Return the check of `court` for `month` ("2026-11"), as of now: cases with money and
    no request, requests made in the month still unpaid, payments recorded and unconfirmed
    (recorded in the month or before)."""
    require(actor, Verb.READ)
    if not actor.may_see(court):
        raise NotFound("court {court} not found", court=court)
    try:
        first, following = month_bounds(month)
    except ValueError:
        raise ValidationFailed(
            "'{month}' is not a month (YYYY-MM)", month=month, field="month"
        ) from None
    start, end = _court_midnight(first), _court_midnight(following)
    with uow:
        sections = {
            "money_without_request": store.money_without_request(
                uow.conn, court, ANSWERING, MOST + 1
            ),
            "requests_unpaid": store.disbursements_in(
                uow.conn, court, UNPAID, requested_from=start, requested_before=end, limit=MOST + 1
            ),
            "payments_unconfirmed": store.disbursements_in(
                uow.conn,
                court,
                UNCONFIRMED,
                requested_from=None,
                requested_before=end,
                limit=MOST + 1,
            ),
        }
    return {
        "court": court,
        "month": month,
        "as_of": utc_now(),
        **{name: _section(rows) for name, rows in sections.items()},
    }


def _section(rows: list[dict]) -> dict:
    shown = rows[:MOST]
    money = "available" if shown and "available" in shown[0] else "amount"
    return {
        "items": shown,
        "count": len(shown),
        "total": sum(r[money] for r in shown),
        "truncated": len(rows) > MOST,
    }


def _court_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), COURT_TZ)
