"""What operators ask the service: is it ready, and the business figures for monitoring.

No actor: these answer health probes and metrics scrapes, which carry no token, so they
return counts only, never a case, an account or a name.
"""

from __future__ import annotations

from reconcile.db import ops_figures
from reconcile.db.uow import UnitOfWork

#: a probe or scrape gives up on a database slower than this
STATEMENT_TIMEOUT_MS = 2000


def readiness(uow: UnitOfWork) -> dict:
    """Return the outbox's pending and dead deliveries; raise if the database does not answer.

    `status` is `ok`, or `dead_letters` when some delivery was given up: the service still
    serves requests then, but an operator must look (docs/operations.md).
    """
    with uow, ops_figures.statement_time_limit(uow.conn, STATEMENT_TIMEOUT_MS):
        ops_figures.ping(uow.conn)
        outbox = ops_figures.outbox_counts(uow.conn)
    pending = sum(c["pending"] for c in outbox.values())
    dead = sum(c["dead"] for c in outbox.values())
    return {
        "status": "dead_letters" if dead else "ok",
        "pending": pending,
        "dead": dead,
        "by_topic": outbox,
    }


def business_figures(uow: UnitOfWork) -> dict:
    """Return the counts the metrics expose: outbox, orphans per court, approvals waiting."""
    with uow, ops_figures.statement_time_limit(uow.conn, STATEMENT_TIMEOUT_MS):
        return {
            "outbox": ops_figures.outbox_counts(uow.conn),
            "orphans": ops_figures.orphans_by_court(uow.conn),
            "approvals_waiting": ops_figures.waiting_for_approval(uow.conn),
        }
