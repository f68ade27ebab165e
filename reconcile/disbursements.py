"""Disbursements (案款发放): the payment notice, its approval in layers, and its payment.

    requested ──approve (last level)──▶ in_review ──finance approves──▶ approved
        │                                    └──finance returns──▶ returned (resubmit: anew)
        │  (no finance review configured: the last level approves it)
        └──reject──▶ rejected
    approved ──mark paid──▶ marked_paid ──debit──▶ paid
        └───────────statement debit──────────────▶ paid
    paid (or marked_paid) ──the bank sends it back (退汇)──▶ bounced

Money moves with the state: a request reserves it (pending), finance's review (or the
last approval, where no review is configured) moves it to approved_unpaid, and payment
moves it to paid; a rejection or a return gives it back.

Each disbursement has a `reference` (AK + its id in ten digits): the payment file puts it
in the 附言 and the EndToEndId, and the statement debit that carries it settles exactly
that disbursement.
"""

from __future__ import annotations

import re
from enum import StrEnum

from reconcile.account_numbers import normalise_account_number
from reconcile.approvals import APPROVED, APPROVED_IN_PART, REJECTED, approval_moves
from reconcile.errors import DomainError, PayeeNotNamed, ValidationFailed
from reconcile.ledger import Posting
from reconcile.lifecycle import Lifecycle


class DisbursementKind(StrEnum):
    """What a disbursement is for; each kind has its own lawful destinations (art. 20)."""

    PAYMENT = "payment"  #: to an applicant's payee account named in the court documents
    REFUND = "refund"  #: unidentified funds back to the payer's own account
    FEE = "fee"  #: the execution fee, to the court's registered fee account
    #: surplus back to a respondent's known account on the case, by a court document
    RESPONDENT_REFUND = "respondent_refund"
    ESCROW = "escrow"  #: 提存: to a registered escrow account, with an approved escrow deferral
    #: to another registered court's collection account (e.g. 参与分配, 移送), by a document
    COURT_TRANSFER = "court_transfer"


#: the kinds a case's page and POST /cases/{id}/disbursements ask for (a refund is an orphan's)
CASE_KINDS = (
    DisbursementKind.PAYMENT,
    DisbursementKind.FEE,
    DisbursementKind.RESPONDENT_REFUND,
    DisbursementKind.ESCROW,
    DisbursementKind.COURT_TRANSFER,
)
#: the kinds that name the court document ordering them (document_reference required)
DOCUMENT_KINDS = (DisbursementKind.RESPONDENT_REFUND, DisbursementKind.COURT_TRANSFER)


class DisbursementStatus(StrEnum):
    REQUESTED = "requested"  #: the payment notice, awaiting approval; its money is reserved
    IN_REVIEW = "in_review"  #: every level approved; finance reviews it (财务复核)
    APPROVED = "approved"  #: approved (and reviewed); finance pays it at the bank
    REJECTED = "rejected"  #: refused by an approver; its money is available again
    RETURNED = "returned"  #: finance sent it back to the requester; its money is available again
    MARKED_PAID = "marked_paid"  #: finance recorded the bank payment; the statement will confirm
    PAID = "paid"  #: the statement debit confirms the payment
    #: 退汇: the bank sent the paid money back (reconcile/returned_payments.py); it is on
    #: the case again. Not RETURNED, which is finance sending a request back.
    BOUNCED = "bounced"


class DisbursementAction(StrEnum):
    APPROVE_IN_PART = APPROVED_IN_PART  #: a level approved; the next level decides
    APPROVE = APPROVED  #: the last level approved: finance may pay
    TO_REVIEW = "approved for review"  #: the last level approved: finance reviews it
    REJECT = REJECTED
    REVIEW_APPROVE = "reviewed"  #: finance approved it: it may be paid
    RETURN = "returned"  #: finance sent it back, with the reason
    MARK_PAID = "marked paid"  #: finance paid it at the bank
    SETTLE = "settled"  #: the statement debit confirms it
    BOUNCE = "bounced"  #: a statement credit returns the paid money (退汇)


S, A = DisbursementStatus, DisbursementAction
DISBURSEMENT_LIFECYCLE = Lifecycle(
    "disbursement",
    DisbursementStatus,
    DisbursementAction,
    {
        **approval_moves(S, A),
        (S.REQUESTED, A.TO_REVIEW): S.IN_REVIEW,
        (S.IN_REVIEW, A.REVIEW_APPROVE): S.APPROVED,
        (S.IN_REVIEW, A.RETURN): S.RETURNED,
        (S.APPROVED, A.MARK_PAID): S.MARKED_PAID,
        (S.APPROVED, A.SETTLE): S.PAID,
        (S.MARKED_PAID, A.SETTLE): S.PAID,
        (S.PAID, A.BOUNCE): S.BOUNCED,
        (S.MARKED_PAID, A.BOUNCE): S.BOUNCED,
    },
)

#: Ledger postings of each move (for amount a); a move not listed moves no money.
_POSTINGS = {
    (S.REQUESTED, S.APPROVED): (("pending", -1), ("approved_unpaid", 1)),
    (S.REQUESTED, S.REJECTED): (("pending", -1),),
    (S.IN_REVIEW, S.APPROVED): (("pending", -1), ("approved_unpaid", 1)),
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


def check_payee(account_number: str, named: set[str] | dict[str, object]) -> str:
    """Return the normalised payee account, or raise PayeeNotNamed (art. 20)."""
    number = normalise_account_number(account_number)
    if number not in named:
        raise PayeeNotNamed(
            "the payee account is not named in the case's court documents",
            payee_account_number=number,
        )
    return number


def check_kind_request(kind: str, document_reference: str | None) -> DisbursementKind:
    """Return the kind a case's disbursement asks for; refuse an unknown one, and one whose
    kind needs its court document without one (ValidationFailed)."""
    try:
        found = DisbursementKind(kind)
    except ValueError:
        found = None
    if found not in CASE_KINDS:
        raise ValidationFailed("unknown disbursement kind '{kind}'", field="kind", kind=kind)
    if found in DOCUMENT_KINDS and not (document_reference or "").strip():
        raise ValidationFailed(
            "a {kind} names the court document that orders it",
            field="document_reference",
            kind=found.value,
        )
    return found


class EscrowNotApproved(DomainError):
    """An escrow payment (提存) without an approved escrow deferral on the case."""

    code = "escrow_not_approved"


def check_escrow_allowed(approved_escrows: int) -> None:
    """Refuse an escrow payment unless an escrow (提存) deferral is approved on the case."""
    if approved_escrows < 1:
        raise EscrowNotApproved(
            "money goes into escrow (提存) only with an approved escrow deferral on the case"
        )


REFERENCE_PREFIX = "AK"  #: 案款
_REFERENCE = re.compile(r"AK(\d{10})(?!\d)")


def reference_of(disbursement_id: int) -> str:
    """Return the disbursement's reference, as the payment file and the bank carry it."""
    return f"{REFERENCE_PREFIX}{disbursement_id:010d}"


def referenced_ids(*texts: str | None) -> list[int]:
    """Return the disbursement ids the references in `texts` name, first seen first."""
    found: list[int] = []
    for text in texts:
        for match in _REFERENCE.finditer(text or ""):
            number = int(match.group(1))
            if number not in found:
                found.append(number)
    return found
