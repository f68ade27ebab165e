"""Liveness and readiness, outside /api/v1 and without a token.

`/healthz` says the process serves HTTP; it touches nothing else, so a database outage
never makes a supervisor restart healthy workers. `/readyz` says the database answers
(503 when it does not) and reports the alert outbox. Dead letters (deliveries given up)
leave the service ready: taking it out of the load balancer would not deliver a single
alert and would stop the API too. They are flagged here (`"outbox": {"status":
"dead_letters"}`) and in the metrics, where the alert on them belongs.
"""

from __future__ import annotations

import logging

from flask import Blueprint

from api.context import services
from reconcile.services import operations

blp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@blp.get("/healthz")
def healthz():
    """The process is up."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz():
    """The database answers; the outbox's pending and dead deliveries."""
    try:
        outbox = operations.readiness(services().uow(read_only=True))
    except Exception as e:  # any failure to answer means not ready
        log.warning("not ready: the database does not answer (%s)", type(e).__name__)
        return {"status": "unavailable", "database": "unavailable", "detail": type(e).__name__}, 503
    return {"status": "ok", "database": "ok", "outbox": outbox}
