"""Who may do what: the permissions table applied to an actor, and courts per actor."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.errors import N_, Forbidden, Message, NotFound
from reconcile.permissions import Verb, may, roles_for


def require(actor: Actor, verb: Verb) -> None:
    """Raise Forbidden unless the actor's role may do `verb` (reconcile.permissions)."""
    if not may(actor.role, verb):
        raise Forbidden(
            "the {role_name} role may not do this",
            role=actor.role,
            role_name=role_named(actor.role),
            allowed_roles=roles_for(verb),
        )


def require_role(actor: Actor, *roles: str) -> None:
    """Raise Forbidden unless the actor has one of `roles` (the CLI and scheduler always may)."""
    if actor.role == "system" or actor.role in roles:
        return
    raise Forbidden(
        "the {role_name} role may not do this",
        role=actor.role,
        role_name=role_named(actor.role),
        allowed_roles=list(roles),
    )


#: how a refusal names each role (the problem's `role` member keeps the code)
ROLE_NAMES = {
    "enforcement": Message(N_("enforcement")),
    "finance": Message(N_("finance")),
    "approver": Message(N_("approver")),
    "desk": Message(N_("complaint desk")),
    "admin": Message(N_("admin")),
    "system": Message(N_("system")),
}


def role_named(role: str) -> Message | str:
    """A role as a message says it, in the reader's language (an unknown one as it is)."""
    return ROLE_NAMES.get(role, role)


def require_court(actor: Actor, court_code: str, what: str = N_("resource")) -> None:
    """Raise NotFound for another court's resource, as if it did not exist; `what` names
    it, a template marked N_ ("court"), said in the reader's language."""
    if not actor.may_see(court_code):
        raise NotFound("{what} not found", what=Message(what))
