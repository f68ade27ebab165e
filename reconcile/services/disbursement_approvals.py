"""Approving a payment or a refund in layers: the money follows the last decision.

A payment that finance reviews ([approvals] finance_review when it was requested) goes
from its last level to `in_review`, its money still reserved; reconcile/services/
payment_reviews.py approves it then, or returns it to the requester.
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.approvals import APPROVED
from reconcile.db.disbursement_store import DISBURSEMENTS
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import DISBURSEMENT_LIFECYCLE, DisbursementAction, DisbursementStatus
from reconcile.errors import N_
from reconcile.services.approving import RequestKind, audit_by_decision
from reconcile.services.disbursement_books import emit, refuse_if_held
from reconcile.services.disbursement_reads import brief, disbursement_view
from reconcile.services.payments import move


def _last_approval(row: dict) -> str:
    return DisbursementAction.TO_REVIEW if row["review_required"] else APPROVED


def _approved(uow: UnitOfWork, actor: Actor, row: dict) -> None:
    refuse_if_held(uow, row)
    if not row["review_required"]:
        move(uow, actor, row, DisbursementStatus.APPROVED)


def _rejected(uow: UnitOfWork, actor: Actor, row: dict) -> None:
    move(uow, actor, row, DisbursementStatus.REJECTED)


def _announce(uow: UnitOfWork, view: dict) -> None:
    if view["status"] == DisbursementStatus.APPROVED:  # reviewed ones: at the review
        emit(uow, view, "payment_approved")


DISBURSEMENT = RequestKind(
    "disbursement",
    DISBURSEMENTS,
    DISBURSEMENT_LIFECYCLE,
    what=N_("disbursement"),
    view=disbursement_view,
    on_approved=_approved,
    on_rejected=_rejected,
    announce=_announce,
    before=brief,
    audit_action=audit_by_decision,
    last_approval=_last_approval,
)


#: Approve at the next level; the last level moves the money to approved_unpaid, or
#: passes the payment to finance's review.
approve_disbursement = DISBURSEMENT.approve
#: Reject a request; its reserved money is available again.
reject_disbursement = DISBURSEMENT.reject
