"""The lists of disbursements (#20): the approvals queue's payments and refunds and
finance's payments list, filtered, sorted, paged by key and totalled; and approving
several payment requests at one level with one note — all of them, or none."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from reconcile.actors import Actor
from reconcile.approvals import Decision
from reconcile.clock import COURT_TZ
from reconcile.db import approval_store, disbursement_lists
from reconcile.db.uow import UnitOfWork
from reconcile.disbursement_lists import Cursor, DisbursementFilters, DisbursementSort
from reconcile.errors import N_, DomainError, Message, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import decide_in
from reconcile.services.disbursement_approvals import DISBURSEMENT
from reconcile.services.disbursement_reads import shown

#: the most requests one bulk approval decides
MOST_AT_ONCE = 200


def filters(
    actor: Actor,
    *,
    statuses: tuple[str, ...] | None = None,
    kind: str | None = None,
    court: str | None = None,
    requested_from: date | None = None,
    requested_to: date | None = None,
    amount_min: int | None = None,
    amount_max: int | None = None,
) -> DisbursementFilters:
    """Return the filters of a list: the actor's courts (or the one chosen of them), the
    court-local days `requested_from` to `requested_to` (both included), amounts in fen."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), COURT_TZ).astimezone(UTC)

    if court is not None:
        courts = frozenset({court}) if actor.may_see(court) else frozenset()
    else:
        courts = None if actor.all_courts else actor.courts
    end = requested_to
    return DisbursementFilters(
        statuses=statuses,
        kind=kind,
        courts=courts,
        requested_from=midnight(requested_from) if requested_from else None,
        requested_before=midnight(end + timedelta(days=1)) if end and end < date.max else None,
        amount_min=amount_min,
        amount_max=amount_max,
    )


def list_page(
    uow: UnitOfWork,
    actor: Actor,
    chosen: DisbursementFilters,
    *,
    sort: DisbursementSort = DisbursementSort.OLDEST,
    after: Cursor = (None, 0),
    limit: int = 50,
) -> list[dict]:
    """Return a page of the disbursements the filters show, after the key `after`."""
    require(actor, Verb.READ)
    with uow:
        rows = disbursement_lists.list_page(uow.conn, chosen, sort=sort, after=after, limit=limit)
        decisions = approval_store.decisions_of_each(
            uow.conn, "disbursement", [row["id"] for row in rows]
        )
        return [shown(row, decisions[row["id"]]) for row in rows]


def totals(uow: UnitOfWork, actor: Actor, chosen: DisbursementFilters) -> dict:
    """Return the count and sum (fen) of every disbursement the filters show (合计)."""
    require(actor, Verb.READ)
    with uow:
        return disbursement_lists.totals(uow.conn, chosen)


def status_counts(uow: UnitOfWork, actor: Actor, chosen: DisbursementFilters) -> dict[str, int]:
    """Return how many disbursements of each status the filters but the status show."""
    require(actor, Verb.READ)
    with uow:
        return disbursement_lists.status_counts(uow.conn, chosen)


def next_cursor(last: dict, sort: DisbursementSort) -> Cursor:
    """The key of the page after the one ending with `last`."""
    return (last["amount"] if sort is DisbursementSort.LARGEST else None, last["id"])


def approve_many(
    uow: UnitOfWork, actor: Actor, disbursement_ids: list[int], note: str | None
) -> dict:
    """Approve each request at its next level with one note: all of them, or none.

    Each is decided and audited as `approve_disbursement` decides one; the first refused
    names itself (its id and why) and nothing is changed. Requests are taken in id order,
    so two bulk approvals never deadlock."""
    require(actor, Verb.APPROVE)
    if not disbursement_ids or len(disbursement_ids) > MOST_AT_ONCE:
        raise ValidationFailed("give between 1 and {most} requests", most=MOST_AT_ONCE, field="ids")
    if len(set(disbursement_ids)) != len(disbursement_ids):
        twice = next(i for i in disbursement_ids if disbursement_ids.count(i) > 1)
        raise _refused(twice, Message(N_("the request is named twice")))
    note = (note or "").strip() or None
    decided = []
    with uow:
        for disbursement_id in sorted(disbursement_ids):
            try:
                decided.append(
                    decide_in(uow, actor, DISBURSEMENT, disbursement_id, Decision.APPROVE, note)
                )
            except DomainError as refusal:
                raise _refused(disbursement_id, refusal, refusal.code) from refusal
        uow.commit()
    return {"items": decided, "count": len(decided), "amount": sum(d["amount"] for d in decided)}


def _refused(
    disbursement_id: int, why: Message | DomainError, code: str | None = None
) -> ValidationFailed:
    return ValidationFailed(
        "request {disbursement_id}: {reason}; no request was approved",
        reason=why,
        field="ids",
        disbursement_id=disbursement_id,
        refusal=code or "validation_error",
    )
