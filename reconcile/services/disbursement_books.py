"""What every disbursement, payment or refund, does to the books and tells the desk.

A request reserves its money on the ledger it leaves from (a case's, or the suspense
ledger for a refund); each later move posts what `postings_for` says; a payment that
is approved or paid is a case event.
"""

from __future__ import annotations

from reconcile import clock
from reconcile.actors import Actor
from reconcile.approvals import level_positions
from reconcile.db import alert_store, disbursement_store, ledger_store
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import (
    DisbursementKind,
    DisbursementStatus,
    postings_for,
    request_postings,
)
from reconcile.errors import InsufficientAvailable, NotFound
from reconcile.ledger import EntryKind
from reconcile.services.disbursement_reads import shown


def open_request(
    uow: UnitOfWork,
    actor: Actor,
    settings: dict,
    *,
    court: str,
    case_number: str | None,
    **values,
) -> dict:
    """Insert a disbursement with the levels the app's tiers give it; reserve its money.

    It keeps the positions its levels name and whether finance reviews it (what a case pays
    out, when [approvals] finance_review; never an orphan's refund), whatever the settings
    say later."""
    approvals = settings["approvals"]
    bound_in = approvals.get("bound_in", "higher")  # which tier a bound itself is in
    named = level_positions(values["amount"], approvals["tiers"], bound_in)
    # every kind a case pays out (payment, fee, refund to the respondent, escrow, transfer)
    review = values["kind"] != DisbursementKind.REFUND and settings["approvals"].get(
        "finance_review", False
    )
    row = disbursement_store.insert_disbursement(
        uow.conn,
        levels_required=len(named),
        level_positions=list(named) if any(named) else None,
        review_required=bool(review),
        requested_by=actor.name,
        requested_by_id=actor.id,
        requested_at=clock.utc_now(),
        **values,
    )
    ledger_store.post(
        uow.conn,
        values["ledger_account_id"],
        EntryKind.DISBURSEMENT_REQUESTED,
        request_postings(values["amount"]),
        enforce_available=True,
        disbursement_id=row["id"],
    )
    # as disbursement_view would read it back: the stored row, and no decisions yet
    view = shown(
        {**row, "court": court, "case_number": case_number, "payment_batch_id": None},
        approvals=[],
    )
    uow.audit(actor, "disbursement.requested", "disbursement", row["id"], court=court, after=view)
    return view


def locked(uow: UnitOfWork, disbursement_id: int) -> dict:
    """Return a disbursement's row, locked until the unit of work ends, or NotFound."""
    row = disbursement_store.locked(uow.conn, disbursement_id)
    if row is None:
        raise NotFound("disbursement not found")
    return row


def move_money(uow: UnitOfWork, row: dict, new: str, transaction_id: int | None = None) -> None:
    """Post the move; a payment the statement confirms carries its debit line, so the
    books date it by the bank's booking day."""
    if new in (DisbursementStatus.REJECTED, DisbursementStatus.RETURNED):
        # gives the reservation back: reverses it (a return is booked as a rejection)
        reservation = ledger_store.latest_entry(
            uow.conn,
            row["ledger_account_id"],
            disbursement_id=row["id"],
            kind=EntryKind.DISBURSEMENT_REQUESTED,
        )
        ledger_store.reverse(
            uow.conn, reservation, EntryKind.DISBURSEMENT_REJECTED, enforce_available=False
        )
        return
    if new == DisbursementStatus.IN_REVIEW:  # the money stays reserved until finance decides
        return
    kind = EntryKind(f"disbursement_{new}")
    postings = postings_for(row["status"], new, row["amount"])
    if postings:
        ledger_store.post(
            uow.conn,
            row["ledger_account_id"],
            kind,
            postings,
            enforce_available=False,
            disbursement_id=row["id"],
            transaction_id=transaction_id,
        )


def held_shortfall(uow: UnitOfWork, row: dict) -> tuple[int, int]:
    """Return (fen of the disbursement's money a hold covers, fen held on its ledger).

    A hold placed after a payment's request may cover money the request reserved (holds
    may exceed what is left): that money is disputed and never paid out. The ledger row
    is locked, which serialises this with new holds.
    """
    balance = disbursement_store.locked_balance(uow.conn, row["ledger_account_id"])
    return max(0, -balance.unreserved), balance.held


def refuse_if_held(uow: UnitOfWork, row: dict) -> None:
    """Refuse to approve or pay a disbursement whose money a hold covers."""
    shortfall, held = held_shortfall(uow, row)
    if shortfall:
        raise InsufficientAvailable(
            "a hold placed after this request covers money it reserved; release the hold "
            "or reject the request",
            held=held,
            shortfall=shortfall,
        )


def emit(uow: UnitOfWork, view: dict, event: str) -> None:
    """Tell the case's subscriber of a payment's move (a refund is no case's event)."""
    if view["case_id"] is None:
        return
    keys = ("kind", "amount", "payee_account_number", "status", "bank_reference")
    facts = {k: view[k] for k in keys}
    alert_store.emit_case_event(
        uow,
        court=view["court"],
        case_id=view["case_id"],
        event=event,
        facts={"disbursement_id": view["id"], **facts},
    )
