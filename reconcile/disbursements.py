"""Disbursements (案款发放): the payment notice, its approval in layers, and its payment.

    requested ──approve (last level)──▶ approved ──mark paid──▶ marked_paid ──debit──▶ paid
        │                                   └───────────statement debit──────────────▶ paid
        └──reject──▶ rejected

Money moves with the state: a request reserves it (pending), the last approval moves it
to approved_unpaid, and payment moves it to paid; a rejection gives it back.
"""

from __future__ import annotations

from enum import StrEnum

from reconcile.account_numbers import normalise_account_number
from reconcile.approvals import APPROVED, APPROVED_IN_PART, REJECTED, approval_moves
from reconcile.errors import PayeeNotNamed
from reconcile.ledger import Posting
from reconcile.lifecycle import Lifecycle


class DisbursementKind(StrEnum):
    PAYMENT = "payment"  #: to an applicant's payee account named in the court documents
    REFUND = "refund"  #: unidentified funds back to the payer's own account


class DisbursementStatus(StrEnum):
    REQUESTED = "requested"  #: the payment notice, awaiting approval; its money is reserved
    APPROVED = "approved"  #: every level approved; finance pays it at the bank
    REJECTED = "rejected"  #: refused by an approver; its money is available again
    MARKED_PAID = "marked_paid"  #: finance recorded the bank payment; the statement will confirm
    PAID = "paid"  #: the statement debit confirms the payment


class DisbursementAction(StrEnum):
    APPROVE_IN_PART = APPROVED_IN_PART  #: a level approved; the next level decides
    APPROVE = APPROVED  #: the last level approved: finance may pay
    REJECT = REJECTED
    MARK_PAID = "marked paid"  #: finance paid it at the bank
    SETTLE = "settled"  #: the statement debit confirms it


S, A = DisbursementStatus, DisbursementAction
DISBURSEMENT_LIFECYCLE = Lifecycle(
    "disbursement",
    DisbursementStatus,
    DisbursementAction,
    {
        **approval_moves(S, A),
        (S.APPROVED, A.MARK_PAID): S.MARKED_PAID,
        (S.APPROVED, A.SETTLE): S.PAID,
        (S.MARKED_PAID, A.SETTLE): S.PAID,
    },
)

#: Ledger postings of each move (for amount a); a move not listed moves no money.
_POSTINGS = {
    (S.REQUESTED, S.APPROVED): (("pending", -1), ("approved_unpaid", 1)),
    (S.REQUESTED, S.REJECTED): (("pending", -1),),
    (S.APPROVED, S.MARKED_PAID): (("approved_unpaid", -1), ("paid", 1)),
    (S.APPROVED, S.PAID): (("approved_unpaid", -1), ("paid", 1)),
}


def postings_for(current: str, new: str, amount: int) -> list[Posting]:
    """Return the ledger postings of a move from `current` to `new`."""
    moves = _POSTINGS.get((S(current), S(new)), ())
    return [Posting(bucket, sign * amount) for bucket, sign in moves]


def request_postings(amount: int) -> list[Posting]:
    """Return the postings that reserve a requested amount."""
    return [Posting("pending", amount)]


def check_payee(account_number: str, named: set[str]) -> str:
    """Return the normalised payee account, or raise PayeeNotNamed (art. 20)."""
    number = normalise_account_number(account_number)
    if number not in named:
        raise PayeeNotNamed(
            "the payee account is not named in the case's court documents",
            payee_account_number=number,
        )
    return number
