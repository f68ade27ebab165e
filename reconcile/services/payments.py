"""Disbursements of a case (payments to applicants, fees, refunds to the respondent, escrow,
transfers to other courts): the payment notice, finance's bank payment, the statement's debit.

`settle_by_debit` runs inside the statement import's open unit of work and never commits.
"""

from __future__ import annotations

import hashlib
from datetime import date

from reconcile import clock
from reconcile.actors import Actor
from reconcile.db import alert_store, disbursement_store
from reconcile.db.disbursement_store import DISBURSEMENTS
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import (
    DISBURSEMENT_LIFECYCLE,
    DisbursementAction,
    DisbursementKind,
    DisbursementStatus,
    check_escrow_allowed,
    check_kind_request,
    check_payee,
)
from reconcile.entitlements import check_refund_allowed, check_within_entitlement
from reconcile.errors import NotFound, PayeeNotNamed
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import visible_case
from reconcile.services.destinations import lawful_destinations
from reconcile.services.disbursement_books import (
    emit,
    locked,
    move_money,
    open_request,
    refuse_if_held,
)
from reconcile.services.disbursement_reads import brief, disbursement_view
from reconcile.services.entitlement_reads import entitlements_of
from reconcile.services.refunds import follow_refund


def request_disbursement(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    amount: int,
    payee_account_number: str,
    note: str | None = None,
    settings: dict,
    resubmission_of: int | None = None,
    kind: str = DisbursementKind.PAYMENT,
    document_reference: str | None = None,
    document_overrides_entitlements: bool = False,
) -> dict:
    """Request a disbursement from a case to a lawful destination of its kind; reserve it.

    `payment` goes to an applicant's confirmed account, within that applicant's unpaid
    entitlement (ExceedsEntitlement); `fee`, `respondent_refund`, `escrow` and
    `court_transfer` go only to their destinations (reconcile/services/destinations.py):
    a refund to the respondent waits while an applicant is owed unless
    `document_overrides_entitlements` (its document orders it), escrow needs an approved
    escrow deferral. Any other account: PayeeNotNamed, and an unnamed_payee_attempt alert.
    `resubmission_of` names the returned payment this one asks for again (once)."""
    require(actor, Verb.REQUEST)
    wanted = check_kind_request(kind, document_reference)
    document = (document_reference or "").strip() or None
    case = None
    try:
        with uow:
            case = visible_case(uow.conn, actor, case_id)
            # lock the case's ledger first: two requests never take the same unpaid part
            balance = disbursement_store.locked_balance(uow.conn, case["ledger_account_id"])
            lawful = lawful_destinations(uow.conn, case, settings)
            payee = check_payee(payee_account_number, lawful[wanted])
            party_id = _checked_for_kind(
                uow,
                case,
                wanted,
                payee,
                amount,
                lawful,
                document_overrides_entitlements,
                within_available=amount <= balance.available,
            )
            view = open_request(
                uow,
                actor,
                settings,
                court=case["court"],
                case_number=case["case_number"],
                kind=wanted,
                court_id=case["court_id"],
                collection_account_id=case["collection_account_id"],
                case_id=case_id,
                ledger_account_id=case["ledger_account_id"],
                amount=amount,
                payee_account_number=payee,
                party_id=party_id,
                document_reference=document,
                note=note,
                resubmission_of=resubmission_of,
            )
            if wanted == DisbursementKind.RESPONDENT_REFUND and document_overrides_entitlements:
                uow.audit(
                    actor,
                    "disbursement.entitlements_overridden",
                    "disbursement",
                    view["id"],
                    court=case["court"],
                    after={"document_reference": document},
                )
            uow.commit()
    except PayeeNotNamed as refusal:
        if case is not None:
            _record_unnamed_payee_attempt(UnitOfWork(uow.engine), actor, case, amount, refusal)
        raise
    return view


def _checked_for_kind(
    uow: UnitOfWork,
    case: dict,
    kind: DisbursementKind,
    payee: str,
    amount: int,
    lawful: dict,
    document_overrides: bool,
    *,
    within_available: bool,
) -> int | None:
    """Apply the kind's own rule; return the applicant a payment goes to (else None).

    Money first: a payment above what is available is refused as insufficient_available
    (by the reservation), whatever the applicant is owed."""
    if kind == DisbursementKind.PAYMENT:
        party_id = lawful[kind][payee]
        if within_available:
            entitlements = entitlements_of(uow.conn, case)
            owed = next(e for e in entitlements if e.party_id == party_id)
            check_within_entitlement(owed, amount)
        return party_id
    if kind == DisbursementKind.RESPONDENT_REFUND:
        entitlements = entitlements_of(uow.conn, case)
        check_refund_allowed(entitlements, document_overrides)
    elif kind == DisbursementKind.ESCROW:
        check_escrow_allowed(disbursement_store.approved_escrows(uow.conn, case["id"]))
    return None


def lawful_destinations_of_case(uow: UnitOfWork, actor: Actor, case_id: int, settings: dict):
    """Return, per kind, the accounts the case's disbursements may go to (for its page)."""
    require(actor, Verb.READ)
    with uow:
        case = visible_case(uow.conn, actor, case_id)
        return lawful_destinations(uow.conn, case, settings)


def _record_unnamed_payee_attempt(
    uow: UnitOfWork, actor: Actor, case: dict, amount: int, refusal: PayeeNotNamed
) -> None:
    # Its own unit of work: the request is refused, but the attempt is kept (art. 20).
    account = refusal.facts["payee_account_number"]
    facts = {
        "case_number": case["case_number"],
        "payee_account_number": account,
        "amount": format_yuan(amount),
        "requested_by": actor.name,
        "requested_by_id": actor.id,
    }
    with uow:
        alert_store.raise_alert(
            uow,
            actor,
            kind="unnamed_payee_attempt",
            court=case["court"],
            subject=f"case:{case['id']}:unnamed_payee:{_digest(account)}:by:{actor.id}",
            facts=facts,
            case_id=case["id"],
        )
        uow.audit(
            actor, "disbursement.refused", "case", case["id"], court=case["court"], after=facts
        )
        uow.commit()


def _digest(account_number: str) -> str:
    # The subject is a key shown as is: it names the account without disclosing it.
    return hashlib.sha256(account_number.encode()).hexdigest()[:16]


def move(uow: UnitOfWork, actor: Actor, row: dict, new: str, transaction_id=None) -> None:
    """Post a disbursement's move to `new`, and keep a refunded orphan's line in step."""
    move_money(uow, row, new, transaction_id=transaction_id)
    follow_refund(uow, actor, row, new)


def mark_paid(
    uow: UnitOfWork,
    actor: Actor,
    disbursement_id: int,
    *,
    bank_reference: str,
    paid_on: date | None = None,
) -> dict:
    """Record that finance paid it at the bank; the statement debit confirms it later.

    Marking it paid does not stop its payment clock (art. 22, issue #18): the clock and its
    alerts run until the statement debit confirms the payment (settle_by_debit)."""
    require(actor, Verb.PAY)
    with uow:
        row = locked(uow, disbursement_id)
        if not actor.may_see(row["court"]):
            raise NotFound("disbursement not found")
        new = DISBURSEMENT_LIFECYCLE.after(row["status"], DisbursementAction.MARK_PAID)
        refuse_if_held(uow, row)
        move(uow, actor, row, new)
        DISBURSEMENTS.advance(
            uow.conn,
            row,
            status=new,
            bank_reference=bank_reference.strip(),
            marked_paid_by=actor.name,
            paid_on=paid_on or clock.local_today(),
        )
        view = _audited(uow, actor, row, "disbursement.marked_paid")
        emit(uow, view, "payment_paid")
        uow.commit()
    return view


def settle_by_debit(
    uow: UnitOfWork, actor: Actor, disbursement_id: int, transaction_id: int, booked_on: date
) -> dict:
    """Confirm a disbursement by its statement debit inside an open unit of work; no commit.

    An approved disbursement becomes paid (its money moves to paid); a marked-paid one is
    only confirmed. Any other status (including paid: a second debit) is IllegalTransition.
    """
    row = locked(uow, disbursement_id)
    new = DISBURSEMENT_LIFECYCLE.after(row["status"], DisbursementAction.SETTLE)
    move(uow, actor, row, new, transaction_id=transaction_id)
    DISBURSEMENTS.advance(
        uow.conn,
        row,
        status=new,
        transaction_id=transaction_id,
        paid_on=row["paid_on"] or booked_on,
        confirmed_at=clock.utc_now(),
    )
    view = _audited(uow, actor, row, "disbursement.confirmed")
    resolve_payment_alerts(uow, actor, row, "confirmed by the statement", PAYMENT_ALERT_KINDS)
    if row["status"] == DisbursementStatus.APPROVED:  # marked paid: told already
        emit(uow, view, "payment_paid")
    return view


#: the alerts whose cause a confirmed payment ends (subjects: reconcile/deadlines.py, watch.py)
PAYMENT_ALERT_KINDS = ("payment_due_soon", "payment_overdue", "payment_unconfirmed")


def resolve_payment_alerts(
    uow: UnitOfWork, actor: Actor, row: dict, note: str, kinds: tuple[str, ...]
) -> None:
    """Resolve the payment's deadline and unconfirmed alerts: it has been paid."""
    prefixes = {"payment_unconfirmed": f"disbursement:{row['id']}:"}
    clock_prefix = f"case:{row['case_id']}:payment:disbursement:{row['id']}:"
    for kind in kinds:
        alert_store.resolve_by_subject_prefix(
            uow,
            actor,
            kind=kind,
            prefix=prefixes.get(kind, clock_prefix),
            note=note,
            case_id=row["case_id"],
        )


def _audited(uow: UnitOfWork, actor: Actor, row: dict, action: str) -> dict:
    view = disbursement_view(uow.conn, row["id"])
    uow.audit(
        actor, action, "disbursement", row["id"], court=view["court"], before=brief(row), after=view
    )
    return view
