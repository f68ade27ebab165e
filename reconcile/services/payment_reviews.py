"""Finance's review of a payment after its last approval level (财务复核), and resubmission.

Finance approves it (its money moves to approved_unpaid, the case's subscriber hears
payment_approved, and it waits for the next payment file) or returns it to the requester
with the reason (its money is available again). The requester may then ask for it again,
once: `resubmit_disbursement` makes a new request with the same case, amount and payee,
which goes through every level again; the returned one stays as it was, for the record.

Maker ≠ checker holds here too, per person: neither the requester nor any approver of
the payment reviews it.
"""

from __future__ import annotations

from enum import StrEnum

from reconcile import clock
from reconcile.actors import Actor
from reconcile.db import approval_store, disbursement_store, people
from reconcile.db.disbursement_store import DISBURSEMENTS
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import (
    DISBURSEMENT_LIFECYCLE,
    DisbursementAction,
    DisbursementKind,
    DisbursementStatus,
)
from reconcile.errors import Forbidden, IllegalTransition, NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.disbursement_books import emit, locked, refuse_if_held
from reconcile.services.disbursement_reads import brief, disbursement_view
from reconcile.services.payments import move, request_disbursement


class ReviewDecision(StrEnum):
    APPROVE = "approve"  #: it may be paid: the next payment file takes it
    RETURN = "return"  #: back to the requester, with the reason


_ACTIONS = {
    ReviewDecision.APPROVE: DisbursementAction.REVIEW_APPROVE,
    ReviewDecision.RETURN: DisbursementAction.RETURN,
}


def review_disbursement(
    uow: UnitOfWork, actor: Actor, disbursement_id: int, *, decision: str, note: str | None = None
) -> dict:
    """Record finance's review of a payment all levels approved; return the payment."""
    require(actor, Verb.REVIEW_PAYMENT)
    decision = ReviewDecision(decision)
    note = (note or "").strip() or None
    if decision is ReviewDecision.RETURN and note is None:
        raise ValidationFailed("say why the payment is returned", field="note")
    with uow:
        row = locked(uow, disbursement_id)
        if not actor.may_see(row["court"]):
            raise NotFound("disbursement not found")
        new = DISBURSEMENT_LIFECYCLE.after(row["status"], _ACTIONS[decision])
        _check_reviewer(uow, actor, row)
        if decision is ReviewDecision.APPROVE:
            refuse_if_held(uow, row)
        move(uow, actor, row, new)
        now = clock.utc_now()
        DISBURSEMENTS.advance(
            uow.conn,
            row,
            status=new,
            reviewed_by=actor.name,
            reviewed_by_id=actor.id,
            reviewed_at=now,
            review_note=note,
            decided_at=now,
        )
        view = disbursement_view(uow.conn, disbursement_id)
        action = "reviewed" if decision is ReviewDecision.APPROVE else "returned"
        uow.audit(
            actor,
            f"disbursement.{action}",
            "disbursement",
            disbursement_id,
            court=row["court"],
            before=brief(row),
            after=view,
        )
        if new == DisbursementStatus.APPROVED:
            emit(uow, view, "payment_approved")
        uow.commit()
    return view


def _check_reviewer(uow: UnitOfWork, actor: Actor, row: dict) -> None:
    approvers = [
        d["approver_id"] for d in approval_store.decisions_of(uow.conn, "disbursement", row["id"])
    ]
    persons = people.persons_of(uow.conn, [actor.id, row["requested_by_id"], *approvers])
    if persons[actor.id] == persons[row["requested_by_id"]]:
        raise Forbidden("the requester may not review their own payment")
    if persons[actor.id] in {persons[a] for a in approvers}:
        raise Forbidden("an approver of this payment may not also review it")


def resubmit_disbursement(
    uow: UnitOfWork,
    actor: Actor,
    disbursement_id: int,
    *,
    note: str | None = None,
    settings: dict,
) -> dict:
    """Ask again for a payment finance returned: a new request, through every level again."""
    require(actor, Verb.REQUEST)
    with uow:
        row = disbursement_store.disbursement_by_id(uow.conn, disbursement_id)
        if row is None or not actor.may_see(row["court"]):
            raise NotFound("disbursement not found")
        if row["kind"] != DisbursementKind.PAYMENT or row["status"] != DisbursementStatus.RETURNED:
            raise IllegalTransition(
                "the disbursement is {state}: only a returned payment is resubmitted",
                state=row["status"],
                current=row["status"],
                event="resubmit",
            )
        persons = people.persons_of(uow.conn, [actor.id, row["requested_by_id"]])
        if persons[actor.id] != persons[row["requested_by_id"]]:
            raise Forbidden("only the requester resubmits a returned payment")
    return request_disbursement(
        uow,
        actor,
        row["case_id"],
        amount=row["amount"],
        payee_account_number=row["payee_account_number"],
        note=note if note is not None else row["note"],
        settings=settings,
        resubmission_of=disbursement_id,
    )
