"""What an import does once its lines are stored: debits explained, alerts, case events."""

from __future__ import annotations

from reconcile.account_numbers import mask_account_number
from reconcile.actors import Actor
from reconcile.alerts import AlertKind
from reconcile.db import alert_store, disbursement_store, statement_store
from reconcile.db.uow import UnitOfWork
from reconcile.debits import Debit, DebitReconciler
from reconcile.money import format_yuan
from reconcile.services import closed_case_credits, disbursement_books, disbursements
from reconcile.statement_lines import LineStatus

ALERT_BATCH = 1000


def debit_reconciler(conn, account: dict) -> DebitReconciler:
    """Return what explains the account's debits: the payments awaiting the bank and the
    accounts the court documents name."""
    return DebitReconciler(
        disbursement_store.approved_awaiting_payment(conn, account["id"]),
        disbursement_store.payee_accounts_of_court(conn, account["court_id"])
        | set(account["court_accounts"]),
        fee_accounts=disbursement_store.fee_accounts(conn, account["court_id"]),
    )


def follow_debits(
    uow: UnitOfWork, actor: Actor, account: dict, import_id: int, reconciler: DebitReconciler
) -> dict:
    """Settle the payments the new debits pay (as the import decided); alert every other."""
    counts = {"reconciled": 0, "flagged": 0}
    for line in list(statement_store.new_lines(uow.conn, import_id, direction="debit")):
        if line["status"] == LineStatus.RECONCILED:
            _alert_if_held(uow, actor, account, line)
            disbursements.settle_by_debit(
                uow, actor, line["disbursement_id"], line["id"], line["booked_on"]
            )
            counts["reconciled"] += 1
        elif line["status"] == LineStatus.NON_CASE:  # a fee by a line rule: not flagged
            continue
        else:
            debit = Debit(line["amount"], line["counterparty_account"], line["bank_reference"])
            _flag(uow, actor, account, line, reconciler.unexplained(debit))
            counts["flagged"] += 1
    return counts


def _alert_if_held(uow: UnitOfWork, actor: Actor, account: dict, line: dict) -> None:
    """Alert when the bank paid a payment whose money a hold placed since covers.

    The money has left: the books record the payment all the same (they follow the bank),
    and the desk learns that disputed money was paid out (art. 22).
    """
    payment = disbursement_store.locked(uow.conn, line["disbursement_id"])
    shortfall, held = disbursement_books.held_shortfall(uow, payment)
    if not shortfall:
        return
    alert_store.raise_alert(
        uow,
        actor,
        kind=AlertKind.PAID_WHILE_HELD,
        court=account["court"],
        subject=f"disbursement:{payment['id']}:paid_while_held",
        transaction_id=line["id"],
        case_id=payment["case_id"],
        facts={
            **_line_facts(line),
            "disbursement_id": payment["id"],
            "held": format_yuan(held),
            "shortfall": format_yuan(shortfall),
        },
    )


#: the alert a flagged debit raises, by what the reconciler found it to be (its text says
#: why: reconcile/alert_texts.py)
_FLAGS = {
    "unauthorised": AlertKind.UNAUTHORISED_DEBIT,
    "unrequested_fee": AlertKind.UNREQUESTED_FEE_DEBIT,
    "unmatched": AlertKind.UNMATCHED_DEBIT,
}


def _flag(uow: UnitOfWork, actor: Actor, account: dict, line: dict, kind: str) -> None:
    alert_kind = _FLAGS[kind]
    alert_store.raise_alert(
        uow,
        actor,
        kind=alert_kind,
        court=account["court"],
        subject=f"transaction:{line['id']}",
        transaction_id=line["id"],
        facts=_line_facts(line),
    )


def raise_credit_alerts(uow: UnitOfWork, actor: Actor, account: dict, import_id: int) -> None:
    """Alert the desk of every new orphan, and of credits for closed cases (an orphan's
    `closed_case_credit`; `resume_needed` for one placed on a case that may resume)."""
    batch: list[dict] = []
    for line in statement_store.new_lines(uow.conn, import_id, status=LineStatus.ORPHAN):
        batch.append(_orphan_alert(account, line))
        if len(batch) >= ALERT_BATCH:
            alert_store.raise_alerts_bulk(uow.conn, batch)
            batch = []
    alert_store.raise_alerts_bulk(uow.conn, batch)
    closed_case_credits.alert_import(uow, actor, account["court"], import_id)


def _orphan_alert(account: dict, line: dict) -> dict:
    closed = line["orphan_reason"] == "closed_case"
    case_id = (line["match_evidence"] or {}).get("case_id") if closed else None
    return {
        "kind": "closed_case_credit" if closed else "orphan_funds",
        "court": account["court"],
        "subject": f"transaction:{line['id']}",
        "transaction_id": line["id"],
        "case_id": case_id,
        "facts": {
            **_line_facts(line),
            "reason": line["orphan_reason"],
            "suggestions": [s["case_number"] for s in line["suggestions"] or []],
        },
    }


def after_import(uow: UnitOfWork, account: dict, import_id: int) -> None:
    """Tell each case's subscribers what it received.

    A statement whose own balances break is alerted by the import itself, once, as a
    warning (statement_balance_break); balance_mismatch (critical) is the daily
    reconciliation's: the bank's balance against the books."""
    received = statement_store.received_by_case(import_id).subquery()
    alert_store.emit_money_received(uow.conn, account["court"], received)


def _line_facts(line: dict) -> dict:
    return {
        "amount": format_yuan(line["amount"]),
        "booked_on": line["booked_on"].isoformat(),
        "counterparty_name": line["counterparty_name"],
        "counterparty_account": mask_account_number(line["counterparty_account"]),
        "remark": line["remark"],
        "bank_reference": line["bank_reference"],
    }
