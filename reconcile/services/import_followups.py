"""What an import does once its lines are stored: debits explained, alerts, case events."""

from __future__ import annotations

from sqlalchemy import update

from reconcile.account_numbers import mask_account_number
from reconcile.actors import Actor
from reconcile.db import alert_store, disbursement_store, statement_store
from reconcile.db.tables_statements import statement_lines
from reconcile.db.uow import UnitOfWork
from reconcile.debits import Debit, DebitReconciler
from reconcile.money import format_yuan
from reconcile.services import disbursements

ALERT_BATCH = 1000


def reconcile_debits(uow: UnitOfWork, actor: Actor, account: dict, import_id: int) -> dict:
    """Settle the payments the new debits confirm; flag every other debit with an alert."""
    conn = uow.conn
    reconciler = DebitReconciler(
        disbursement_store.approved_awaiting_payment(conn, account["id"]),
        disbursement_store.payee_accounts_of_court(conn, account["court_id"])
        | set(account["court_accounts"]),
    )
    counts = {"reconciled": 0, "flagged": 0}
    for line in list(statement_store.new_lines(conn, import_id, direction="debit")):
        outcome = reconciler.explain(
            Debit(line["amount"], line["counterparty_account"], line["bank_reference"])
        )
        if outcome.kind == "settles":
            _settle(uow, actor, line, outcome.disbursement_id)
            counts["reconciled"] += 1
        else:
            _flag(uow, actor, account, line, outcome.kind)
            counts["flagged"] += 1
    return counts


def _settle(uow: UnitOfWork, actor: Actor, line: dict, disbursement_id: int) -> None:
    disbursements.settle_by_debit(uow, actor, disbursement_id, line["id"], line["booked_on"])
    uow.conn.execute(
        update(statement_lines)
        .where(statement_lines.c.id == line["id"])
        .values(status="reconciled", disbursement_id=disbursement_id)
    )


def _flag(uow: UnitOfWork, actor: Actor, account: dict, line: dict, kind: str) -> None:
    alert_kind = "unauthorised_debit" if kind == "unauthorised" else "unmatched_debit"
    why = (
        "the payee account is named in no court document"
        if kind == "unauthorised"
        else "no approved payment to this account for this amount awaits the bank"
    )
    alert_store.raise_alert(
        uow,
        actor,
        kind=alert_kind,
        court=account["court"],
        subject=f"transaction:{line['id']}",
        transaction_id=line["id"],
        facts=_line_facts(line),
        detail=f"debit of {format_yuan(line['amount'])} yuan: {why}",
    )


def raise_credit_alerts(uow: UnitOfWork, actor: Actor, account: dict, import_id: int) -> None:
    """Alert the desk of every new orphan, and of credits for closed cases."""
    batch: list[dict] = []
    for line in statement_store.new_lines(uow.conn, import_id, status="orphan"):
        batch.append(_orphan_alert(account, line))
        if len(batch) >= ALERT_BATCH:
            alert_store.raise_alerts_bulk(uow.conn, batch)
            batch = []
    alert_store.raise_alerts_bulk(uow.conn, batch)


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
        "detail": (
            f"credit of {format_yuan(line['amount'])} yuan could not be placed on "
            f"exactly one case ({line['orphan_reason']})"
        ),
    }


def after_import(
    uow: UnitOfWork, actor: Actor, account: dict, import_id: int, report: dict
) -> None:
    """Tell each case's subscribers what it received; alert a statement that does not add up."""
    received = statement_store.received_by_case(import_id).subquery()
    alert_store.emit_money_received(uow.conn, account["court"], received)
    if report["balance_check"] == "mismatch":
        alert_store.raise_alert(
            uow,
            actor,
            kind="balance_mismatch",
            court=account["court"],
            subject=f"statement:{import_id}",
            facts={"statement_id": import_id, "account": account["account_number"]},
            detail="opening balance plus the lines does not equal the closing balance: "
            "the statement may be incomplete",
        )


def _line_facts(line: dict) -> dict:
    return {
        "amount": format_yuan(line["amount"]),
        "booked_on": line["booked_on"].isoformat(),
        "counterparty_name": line["counterparty_name"],
        "counterparty_account": mask_account_number(line["counterparty_account"]),
        "remark": line["remark"],
        "bank_reference": line["bank_reference"],
    }
