"""Disbursements: the payment notice, approval in layers, payment and its confirmation.

`settle_by_debit` and `open_refund_request` run inside a caller's open unit of work and
never commit: the statement import and the orphan resolution call them.
"""

from __future__ import annotations

import hashlib
from datetime import date

from reconcile import clock
from reconcile.actors import Actor
from reconcile.approvals import Decision, levels_for
from reconcile.db import (
    alert_store,
    approval_store,
    disbursement_store,
    ledger_store,
    registry,
    transaction_store,
)
from reconcile.db.tables_payments import disbursements
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import (
    DisbursementKind,
    DisbursementStatus,
    check_payee,
    next_status,
    postings_for,
    request_postings,
)
from reconcile.errors import InsufficientAvailable, NotFound, PayeeNotNamed
from reconcile.money import format_yuan
from reconcile.services.access import require_court, require_role
from reconcile.services.approving import APPROVERS, READERS, decide, visible_case
from reconcile.settings import load_settings

REQUESTERS = ("enforcement", "admin")
PAYERS = ("finance", "admin")
SUBJECT = ("disbursement", disbursements)
_DONE = {Decision.APPROVE: "approved", Decision.REJECT: "rejected"}


def request_disbursement(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    amount: int,
    payee_account_number: str,
    note: str | None = None,
    settings: dict | None = None,
) -> dict:
    """Request a payment from a case to a payee account its documents name; reserve the money."""
    require_role(actor, *REQUESTERS)
    case = None
    try:
        with uow:
            case = visible_case(uow.conn, actor, case_id)
            payee = check_payee(
                payee_account_number, disbursement_store.named_payees(uow.conn, case_id)
            )
            view = _open_request(
                uow,
                actor,
                settings,
                court=case["court"],
                case_number=case["case_number"],
                kind=DisbursementKind.PAYMENT,
                court_id=case["court_id"],
                collection_account_id=case["collection_account_id"],
                case_id=case_id,
                ledger_account_id=case["ledger_account_id"],
                amount=amount,
                payee_account_number=payee,
                note=note,
            )
            uow.commit()
    except PayeeNotNamed as refusal:
        _record_unnamed_payee_attempt(UnitOfWork(uow.engine), actor, case, amount, refusal)
        raise
    return view


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
            detail=f"{actor.name} requested a payment of {format_yuan(amount)} yuan from case "
            f"{case['case_number']} to an account its court documents do not name",
        )
        uow.audit(
            actor, "disbursement.refused", "case", case["id"], court=case["court"], after=facts
        )
        uow.commit()


def _digest(account_number: str) -> str:
    # The subject is a key shown as is: it names the account without disclosing it.
    return hashlib.sha256(account_number.encode()).hexdigest()[:16]


def open_refund_request(
    uow: UnitOfWork,
    actor: Actor,
    *,
    collection_account_id: int,
    court: str,
    transaction_id: int,
    amount: int,
    payer_account_number: str,
    reason: str,
    settings: dict | None = None,
) -> dict:
    """Request a refund from the suspense ledger inside an open unit of work; do not commit."""
    require_role(actor, *PAYERS)
    require_court(actor, court, "collection account")
    court_row = registry.court_by_code(uow.conn, court)
    if court_row is None:
        raise NotFound("court not found")
    return _open_request(
        uow,
        actor,
        settings,
        court=court,
        case_number=None,
        kind=DisbursementKind.REFUND,
        court_id=court_row["id"],
        collection_account_id=collection_account_id,
        case_id=None,
        ledger_account_id=ledger_store.suspense_ledger_id(uow.conn, collection_account_id),
        refund_of_transaction_id=transaction_id,
        amount=amount,
        payee_account_number=payer_account_number,
        note=reason,
    )


def _open_request(
    uow: UnitOfWork,
    actor: Actor,
    settings: dict | None,
    *,
    court: str,
    case_number: str | None,
    **values,
) -> dict:
    tiers = (settings or load_settings())["approvals"]["tiers"]
    row = disbursement_store.insert_disbursement(
        uow.conn,
        levels_required=levels_for(values["amount"], tiers),
        requested_by=actor.name,
        requested_by_id=actor.id,
        requested_at=clock.utc_now(),
        **values,
    )
    ledger_store.post(
        uow.conn,
        values["ledger_account_id"],
        "disbursement_requested",
        request_postings(values["amount"]),
        enforce_available=True,
        disbursement_id=row["id"],
    )
    # as _view would read it back: the stored row, and no decisions yet
    view = _shown({**row, "court": court, "case_number": case_number}, approvals=[])
    uow.audit(actor, "disbursement.requested", "disbursement", row["id"], court=court, after=view)
    return view


def approve_disbursement(
    uow: UnitOfWork, actor: Actor, disbursement_id: int, *, note: str | None = None
) -> dict:
    """Approve at the next level; the last level moves the money to approved_unpaid."""
    return _decide(uow, actor, disbursement_id, Decision.APPROVE, note)


def reject_disbursement(
    uow: UnitOfWork, actor: Actor, disbursement_id: int, *, note: str | None = None
) -> dict:
    """Reject a request; its reserved money is available again."""
    return _decide(uow, actor, disbursement_id, Decision.REJECT, note)


def _decide(uow: UnitOfWork, actor: Actor, disbursement_id: int, decision: Decision, note) -> dict:
    require_role(actor, *APPROVERS)
    with uow:
        row = _locked(uow, actor, disbursement_id)
        new = decide(uow.conn, actor, SUBJECT, row, decision, next_status, note)
        if new == DisbursementStatus.APPROVED:
            _refuse_if_held(uow, row)
        _move_money(uow, row, new)
        _follow_refund(uow, actor, row, new)
        view = _view(uow.conn, disbursement_id)
        uow.audit(
            actor,
            f"disbursement.{_DONE[decision]}",
            "disbursement",
            disbursement_id,
            court=view["court"],
            before=_brief(row),
            after=view,
        )
        if new == DisbursementStatus.APPROVED:
            _emit(uow, view, "payment_approved")
        uow.commit()
    return view


def _refuse_if_held(uow: UnitOfWork, row: dict) -> None:
    # A hold placed after the request may cover money the request reserved: held money
    # is never paid out. The locked ledger row serialises this with new holds.
    balance = disbursement_store.locked_balance(uow.conn, row["ledger_account_id"])
    if balance.unreserved < 0:
        raise InsufficientAvailable(
            "a hold placed after this request covers money it reserved; release the hold "
            "or reject the request",
            held=balance.held,
            shortfall=-balance.unreserved,
        )


def mark_paid(
    uow: UnitOfWork,
    actor: Actor,
    disbursement_id: int,
    *,
    bank_reference: str,
    paid_on: date | None = None,
) -> dict:
    """Record that finance paid it at the bank; the statement debit confirms it later."""
    require_role(actor, *PAYERS)
    with uow:
        row = _locked(uow, actor, disbursement_id)
        new = next_status(row["status"], "marked paid")
        _move_money(uow, row, new)
        _follow_refund(uow, actor, row, new)
        approval_store.advance(
            uow.conn,
            disbursements,
            row,
            status=new,
            bank_reference=bank_reference.strip(),
            marked_paid_by=actor.name,
            paid_on=paid_on or clock.local_today(),
        )
        view = _view(uow.conn, disbursement_id)
        uow.audit(
            actor,
            "disbursement.marked_paid",
            "disbursement",
            disbursement_id,
            court=view["court"],
            before=_brief(row),
            after=view,
        )
        _emit(uow, view, "payment_paid")
        uow.commit()
    return view


def settle_by_debit(
    uow: UnitOfWork, actor: Actor, disbursement_id: int, transaction_id: int, booked_on: date
) -> dict:
    """Confirm a disbursement by its statement debit inside an open unit of work; no commit.

    An approved disbursement becomes paid (its money moves to paid); a marked-paid one is
    only confirmed. Any other status (including paid: a second debit) is IllegalTransition.
    """
    row = disbursement_store.locked(uow.conn, disbursement_id)
    if row is None:
        raise NotFound("disbursement not found")
    new = next_status(row["status"], "settled")
    _move_money(uow, row, new, transaction_id=transaction_id)
    _follow_refund(uow, actor, row, new)
    approval_store.advance(
        uow.conn,
        disbursements,
        row,
        status=new,
        transaction_id=transaction_id,
        paid_on=row["paid_on"] or booked_on,
        confirmed_at=clock.utc_now(),
    )
    view = _view(uow.conn, disbursement_id)
    uow.audit(
        actor,
        "disbursement.confirmed",
        "disbursement",
        disbursement_id,
        court=view["court"],
        before=_brief(row),
        after=view,
    )
    if row["status"] == DisbursementStatus.APPROVED:  # marked paid: told already
        _emit(uow, view, "payment_paid")
    return view


def get_disbursement(uow: UnitOfWork, actor: Actor, disbursement_id: int) -> dict:
    """Return a disbursement with its approvals."""
    require_role(actor, *READERS)
    with uow:
        view = _view(uow.conn, disbursement_id)
    if not actor.may_see(view["court"]):
        raise NotFound("disbursement not found")
    return view


def list_disbursements(
    uow: UnitOfWork,
    actor: Actor,
    *,
    status: str | None = None,
    case_id: int | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict]:
    """Return a page of the disbursements of the actor's courts, oldest first."""
    require_role(actor, *READERS)
    with uow:
        if case_id is not None:
            visible_case(uow.conn, actor, case_id)
        rows = disbursement_store.list_disbursements(
            uow.conn,
            courts_seen=None if actor.all_courts else actor.courts,
            status=status,
            case_id=case_id,
            after_id=after_id,
            limit=limit,
        )
        return [_with_approvals(uow.conn, row) for row in rows]


def _locked(uow: UnitOfWork, actor: Actor, disbursement_id: int) -> dict:
    row = disbursement_store.locked(uow.conn, disbursement_id)
    if row is None or not actor.may_see(row["court"]):
        raise NotFound("disbursement not found")
    return row


def _move_money(uow: UnitOfWork, row: dict, new: str, transaction_id: int | None = None) -> None:
    """Post the move; a payment the statement confirms carries its debit line, so the
    books date it by the bank's booking day."""
    postings = postings_for(row["status"], new, row["amount"])
    if postings:
        ledger_store.post(
            uow.conn,
            row["ledger_account_id"],
            f"disbursement_{new}",
            postings,
            enforce_available=False,
            disbursement_id=row["id"],
            transaction_id=transaction_id,
        )


def _follow_refund(uow: UnitOfWork, actor: Actor, row: dict, new: str) -> None:
    """Keep a refunded orphan's line in step: refunded once paid, an orphan again if rejected.

    A rejected refund puts the money back among the unidentified funds, visibly: its line
    is an orphan again and a new alert is raised (the first one was resolved by the
    refund request).
    """
    line_id = row["refund_of_transaction_id"]
    if row["kind"] != "refund" or line_id is None:
        return
    if new == DisbursementStatus.REJECTED:
        transaction_store.set_line(uow.conn, line_id, status="orphan")
        alert_store.raise_alert(
            uow,
            actor,
            kind="orphan_funds",
            court=registry.account_by_id(uow.conn, row["collection_account_id"])["court"],
            subject=f"transaction:{line_id}:refund_rejected:{row['id']}",
            transaction_id=line_id,
            facts={"amount": format_yuan(row["amount"]), "refund_disbursement_id": row["id"]},
            detail=f"the refund of {format_yuan(row['amount'])} yuan was rejected: the credit "
            "is unidentified again",
        )
    elif new in (DisbursementStatus.MARKED_PAID, DisbursementStatus.PAID):
        transaction_store.set_line(uow.conn, line_id, status="refunded")


def _emit(uow: UnitOfWork, view: dict, event: str) -> None:
    if view["case_id"] is None:
        return
    facts = {k: view[k] for k in ("amount", "payee_account_number", "status", "bank_reference")}
    alert_store.emit_case_event(
        uow,
        court=view["court"],
        case_id=view["case_id"],
        event=event,
        facts={"disbursement_id": view["id"], **facts},
    )


def _view(conn, disbursement_id: int) -> dict:
    row = disbursement_store.disbursement_by_id(conn, disbursement_id)
    if row is None:
        raise NotFound("disbursement not found")
    return _with_approvals(conn, row)


def _with_approvals(conn, row: dict) -> dict:
    return _shown(row, approval_store.decisions_of(conn, "disbursement", row["id"]))


def _shown(row: dict, approvals: list[dict]) -> dict:
    """Return a disbursement as shown: without the ids kept for checks, with its decisions."""
    view = {k: v for k, v in row.items() if k not in ("court_id", "requested_by_id")}
    view["confirmed"] = row["status"] == DisbursementStatus.PAID
    view["approvals"] = approvals
    return view


def _brief(row: dict) -> dict:
    return {"status": row["status"], "approvals_count": row["approvals_count"]}
