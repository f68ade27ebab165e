"""The case requests approved in layers besides payments — deferrals and escrow (延缓发放/提存)
and payee-account changes — as the approvals queue shows and decides them (#19)."""

from __future__ import annotations

from collections.abc import Callable

from api.context import services
from api.web import queues
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.services import deferrals, payee_accounts, request_queue

#: (kind shown, its RequestKind): the order the queue shows them in
KINDS = (("deferral", deferrals.DEFERRAL), ("payee_change", payee_accounts.PAYEE_CHANGE))


def waiting(actor: Actor) -> list[dict]:
    """Return the deferrals and payee changes at a level the actor's position decides."""
    shown = []
    for name, kind in KINDS:
        found = request_queue.requested(services().uow(read_only=True), actor, kind)
        levels = queues.decisions(actor, kind, found)
        shown += [
            {"kind": name, "request": r, **levels[r["id"]]}
            for r in found
            if levels[r["id"]]["yours"]
        ]
    return shown


def said(kind: str) -> Callable[[dict], str]:
    """What the queue flashes once a request of `kind` is decided."""

    def say(decided: dict) -> str:
        status = translate(f"case_actions.request_status.{decided['status']}")
        return translate(f"case_actions.decided_{kind}", id=decided["id"], status=status)

    return say
