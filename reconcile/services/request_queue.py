"""The case requests approved in layers (deferrals, payee-account changes) awaiting a decision."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db.request_queue_store import requested_ids
from reconcile.db.uow import UnitOfWork
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import RequestKind

MOST = 2000


def requested(uow: UnitOfWork, actor: Actor, kind: RequestKind) -> list[dict]:
    """Return the requests of `kind` awaiting a decision in the actor's courts, oldest first."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        ids = requested_ids(uow.conn, kind.store, courts, MOST)
        return [kind.view(uow.conn, i) for i in ids]
