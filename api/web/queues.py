"""The work queues several pages show: orphans by age, requests waiting for an approver."""

from __future__ import annotations

from collections.abc import Callable

from api.context import services
from reconcile.actors import Actor
from reconcile.permissions import Verb, may
from reconcile.services import disbursements, transactions

PAGE = 500
#: a queue longer than this is shown in part; the page says so
MOST = 2000


def every(list_page: Callable, actor: Actor, **filters) -> list[dict]:
    """Return every item of a paged use case (oldest first), up to MOST."""
    found: list[dict] = []
    while len(found) < MOST:
        after = found[-1]["id"] if found else 0
        batch = list_page(
            services().uow(read_only=True), actor, after_id=after, limit=PAGE, **filters
        )
        found += batch
        if len(batch) < PAGE:
            break
    return found


def orphans(actor: Actor) -> list[dict]:
    """Return the orphan credits of the actor's courts, oldest booking first."""
    lines = every(transactions.list_transactions, actor, status="orphan", direction="credit")
    return sorted(lines, key=lambda line: (line["booked_on"], line["id"]))


def waiting_for(actor: Actor) -> list[dict]:
    """Return the requests the actor may decide now: not their own, not decided by them."""
    requested = every(disbursements.list_disbursements, actor, status="requested")
    return [d for d in requested if may_decide(actor, d)]


def may_decide(actor: Actor, disbursement: dict) -> bool:
    """Whether the actor may approve: an approver, not the requester, not at an earlier level."""
    if not may(actor.role, Verb.APPROVE) or disbursement["requested_by"] == actor.name:
        return False
    return all(a["approver_id"] != actor.id for a in disbursement["approvals"])
