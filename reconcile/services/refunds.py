"""Refunds of unidentified funds (不明款) to the payer's own account, approved as payments are.

`open_refund_request` runs inside the orphan resolution's open unit of work and never
commits; `follow_refund` keeps the orphan's statement line in step with its refund.
"""

from __future__ import annotations

from reconcile.account_numbers import is_reachable_account
from reconcile.actors import Actor
from reconcile.db import alert_store, ledger_store, registry, transaction_store
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import DisbursementKind, DisbursementStatus
from reconcile.errors import N_, Message, NotFound, ValidationFailed
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services.access import require, require_court
from reconcile.services.disbursement_books import open_request
from reconcile.statement_lines import LINE_LIFECYCLE, LineAction, LineStatus


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
    settings: dict,
) -> dict:
    """Request a refund from the suspense ledger inside an open unit of work; do not commit."""
    require(actor, Verb.RESOLVE_ORPHAN)
    require_court(actor, court, N_("collection account"))
    if not is_reachable_account(payer_account_number):
        shown = payer_account_number or Message(N_("(none)"))
        raise ValidationFailed(
            "the payer's account {account} is masked or incomplete: "
            "no transfer can reach it; ask the payer's bank for the full account",
            account=shown,
            field="payee_account_number",
            reason="unreachable_account",
        )
    court_row = registry.court_by_code(uow.conn, court)
    if court_row is None:
        raise NotFound("court not found")
    return open_request(
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


PAID = (DisbursementStatus.MARKED_PAID, DisbursementStatus.PAID)


def follow_refund(uow: UnitOfWork, actor: Actor, row: dict, new: str) -> None:
    """Keep a refunded orphan's line in step: refunded once paid, an orphan again if rejected.

    A rejected refund puts the money back among the unidentified funds, visibly: its line
    is an orphan again and a new alert is raised (the first one was resolved by the
    refund request).
    """
    line_id = row["refund_of_transaction_id"]
    if row["kind"] != DisbursementKind.REFUND or line_id is None:
        return
    line = transaction_store.line_by_id(uow.conn, line_id, for_update=True)
    if new == DisbursementStatus.REJECTED:
        status = LINE_LIFECYCLE.after(line["status"], LineAction.REFUND_REJECTED)
        transaction_store.set_line(uow.conn, line_id, status=status)
        alert_store.raise_alert(
            uow,
            actor,
            kind="orphan_funds",
            court=registry.account_by_id(uow.conn, row["collection_account_id"])["court"],
            subject=f"transaction:{line_id}:refund_rejected:{row['id']}",
            transaction_id=line_id,
            facts={"amount": format_yuan(row["amount"]), "refund_disbursement_id": row["id"]},
        )
    elif new in PAID and line["status"] == LineStatus.REFUNDING:  # once: when first paid
        status = LINE_LIFECYCLE.after(line["status"], LineAction.REFUND_PAID)
        transaction_store.set_line(uow.conn, line_id, status=status)
