"""Approving a payment or a refund in layers: the money follows the last decision."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db.disbursement_store import DISBURSEMENTS
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import DISBURSEMENT_LIFECYCLE, DisbursementStatus
from reconcile.services.approving import RequestKind, audit_by_decision
from reconcile.services.disbursement_books import emit, refuse_if_held
from reconcile.services.disbursement_reads import brief, disbursement_view
from reconcile.services.payments import move


def _approved(uow: UnitOfWork, actor: Actor, row: dict) -> None:
    refuse_if_held(uow, row)
    move(uow, actor, row, DisbursementStatus.APPROVED)


def _rejected(uow: UnitOfWork, actor: Actor, row: dict) -> None:
    move(uow, actor, row, DisbursementStatus.REJECTED)


DISBURSEMENT = RequestKind(
    "disbursement",
    DISBURSEMENTS,
    DISBURSEMENT_LIFECYCLE,
    view=disbursement_view,
    on_approved=_approved,
    on_rejected=_rejected,
    announce=lambda uow, view: emit(uow, view, "payment_approved"),
    before=brief,
    audit_action=audit_by_decision,
)


#: Approve at the next level; the last level moves the money to approved_unpaid.
approve_disbursement = DISBURSEMENT.approve
#: Reject a request; its reserved money is available again.
reject_disbursement = DISBURSEMENT.reject
