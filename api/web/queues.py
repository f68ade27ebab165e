"""The work queues several pages show: orphans by age, requests waiting for an approver."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from api.context import services
from reconcile.actors import Actor
from reconcile.permissions import Verb, may
from reconcile.services import approval_queue, transactions

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


def orphans(
    actor: Actor, *, after: tuple[date | None, int] = (None, 0), limit: int = MOST, **filters
) -> list[dict]:
    """Return a page of the orphan credits of the actor's courts, oldest booking first,
    after the line (booking day, id) `after` (by default the oldest MOST of them)."""
    return transactions.list_transactions(
        services().uow(read_only=True),
        actor,
        status="orphan",
        direction="credit",
        by_booking=True,
        after_booked_on=after[0],
        after_id=after[1],
        limit=limit,
        **filters,
    )


def orphan_totals(actor: Actor, **filters) -> dict:
    """Return the count and the unplaced fen of every orphan credit the filters show."""
    return transactions.transaction_totals(
        services().uow(read_only=True), actor, status="orphan", direction="credit", **filters
    )


def decisions(actor: Actor, kind, requests: list[dict]) -> dict[int, dict]:
    """Return per request the position its next level names, whether that is the actor's
    (`yours`), and whether the actor may decide it now (`may_decide`): an approver of that
    position, and another person than its requester and its earlier approvers."""
    if not may(actor.role, Verb.APPROVE):
        return {r["id"]: {"position": None, "yours": False, "may_decide": False} for r in requests}
    return approval_queue.next_levels(
        services().uow(read_only=True), actor, kind, [r["id"] for r in requests]
    )
