"""Reading imported statements."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import registry, statement_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound
from reconcile.permissions import Verb
from reconcile.services.access import require


def get_report(uow: UnitOfWork, actor: Actor, statement_id: int) -> dict:
    """Return an import's report."""
    require(actor, Verb.READ)
    with uow:
        found = statement_store.import_by_id(uow.conn, statement_id)
        account = found and registry.account_by_id(uow.conn, found["collection_account_id"])
    if found is None or found["report"] is None or not actor.may_see(account["court"]):
        raise NotFound("statement not found")
    return found["report"]
