"""Who may do what: the permissions table applied to an actor, and courts per actor."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.errors import N_, Forbidden, Message, NotFound
from reconcile.permissions import Verb, may, roles_for


def require(actor: Actor, verb: Verb) -> None:
    """Raise Forbidden unless the actor's role may do `verb` (reconcile.permissions)."""
    if not may(actor.role, verb):
        raise Forbidden(
            "the {role} role may not do this", role=actor.role, allowed_roles=roles_for(verb)
        )


def require_role(actor: Actor, *roles: str) -> None:
    """Raise Forbidden unless the actor has one of `roles` (the CLI and scheduler always may)."""
    if actor.role == "system" or actor.role in roles:
        return
    raise Forbidden("the {role} role may not do this", role=actor.role, allowed_roles=list(roles))


def require_court(actor: Actor, court_code: str, what: str = N_("resource")) -> None:
    """Raise NotFound for another court's resource, as if it did not exist; `what` names
    it, a template marked N_ ("court"), said in the reader's language."""
    if not actor.may_see(court_code):
        raise NotFound("{what} not found", what=Message(what))
