"""Look-ups the staff pages need: an actor's collection accounts, a case by its
sub-account number, the latest imports."""

from __future__ import annotations

from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.db import import_history, registry
from reconcile.db.uow import UnitOfWork
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.cases import case_view


def collection_accounts(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """Return the collection accounts of the actor's courts, by court."""
    require(actor, Verb.READ)
    with uow:
        return _accounts(uow, actor)


def find_case_by_sub_account(uow: UnitOfWork, actor: Actor, sub_account: str) -> dict | None:
    """Return the case with this sub-account number under any of the actor's accounts."""
    require(actor, Verb.READ)
    number = normalise_account_number(sub_account)
    with uow:
        for account in _accounts(uow, actor):
            row = registry.case_by_sub_account(uow.conn, account["id"], number)
            if row is not None:
                return case_view(uow.conn, row)
    return None


def recent_imports(uow: UnitOfWork, actor: Actor, limit: int = 5) -> list[dict]:
    """Return the latest finished statement imports of the actor's courts, newest first."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        return import_history.recent_imports(uow.conn, court_codes=courts, limit=limit)


def _accounts(uow: UnitOfWork, actor: Actor) -> list[dict]:
    codes = sorted(actor.courts)
    found = []
    for code, court_id in sorted(registry.court_ids(uow.conn, codes).items()):
        found += [{**a, "court": code} for a in registry.accounts_of_court(uow.conn, court_id)]
    return found
