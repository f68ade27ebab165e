"""What a printed court document names besides its subject: the court, as registered."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import registry
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound
from reconcile.permissions import Verb
from reconcile.services.access import require


def court_name(uow: UnitOfWork, actor: Actor, code: str) -> str:
    """Return the registered name of one of the actor's courts (北京市朝阳区人民法院)."""
    require(actor, Verb.READ)
    if not actor.may_see(code):
        raise NotFound("court not found")
    with uow:
        court = registry.court_by_code(uow.conn, code)
    if court is None:
        raise NotFound("court not found")
    return court["name"]
