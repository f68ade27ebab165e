"""Registering money a case is waiting for, and placing it when it is already here.

Enforcement registers a receipt (a deduction, auction proceeds, another court's
collection). If an orphan credit the statement brought already fits it, the credit is
placed on the case at once, `match_rule: "expected"`; credits imported later fit it in
the matcher (reconcile/matching.py, with `expected_receipt_store.open_receipts`).

The deadline scan raises `expected_receipt_missing` (critical) once for each receipt that
nothing matched by `expected_by` + `[deadlines] expected_receipt_working_days` working
days (art. 20: a deduction that never reaches the collection account); placing the credit
that brings it here resolves the alert.
"""

from __future__ import annotations

from datetime import date

from reconcile.account_numbers import normalise_account_number
from reconcile.actors import SYSTEM, Actor
from reconcile.clock import utc_now
from reconcile.db import alert_store, deadline_store, expected_receipt_store, registry
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.errors import IllegalTransition, Message, NotFound, ValidationFailed
from reconcile.expected_receipts import ExpectedReceipt, ExpectedSource, fits
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services import placements, transactions
from reconcile.services.access import require
from reconcile.statement_lines import LINE_LIFECYCLE, LineAction
from reconcile.working_days import WorkingDayCalendar


def register_expected_receipt(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    source: str,
    amount: int,
    expected_by: date,
    reference: str | None = None,
    payer_account: str | None = None,
) -> dict:
    """Record money the case waits for; place an orphan already here that fits it."""
    require(actor, Verb.REGISTER_CASE)
    if source not in set(ExpectedSource):
        raise ValidationFailed("unknown source '{source}'", source=source, field="source")
    reference = (reference or "").strip() or None
    payer = normalise_account_number(payer_account or "") or None
    if reference is None and payer is None:
        raise ValidationFailed(
            "give the reference the credit will carry, or the account that will pay it",
            field="reference",
        )
    with uow:
        case = _open_case(uow, actor, case_id)
        values = {
            "case_id": case_id,
            "source": source,
            "reference": reference,
            "amount": amount,
            "payer_account": payer,
            "expected_by": expected_by,
            "created_by": actor.name,
            "created_at": utc_now(),
        }
        receipt_id = expected_receipt_store.add(uow.conn, **values)
        audited = {**values, "amount": format_yuan(amount), "created_at": None}
        uow.audit(
            actor,
            "expected_receipt.registered",
            "expected_receipt",
            receipt_id,
            court=case["court"],
            after=audited,
        )
        receipt = expected_receipt_store.by_id(uow.conn, receipt_id)
        _place_one_already_here(uow, actor, case, receipt)
        result = _shown(expected_receipt_store.by_id(uow.conn, receipt_id))
        uow.commit()
    return result


def list_expected_receipts(uow: UnitOfWork, actor: Actor, case_id: int) -> list[dict]:
    """Return the receipts the case registered, oldest first."""
    require(actor, Verb.READ)
    with uow:
        case = registry.case_by_id(uow.conn, case_id)
        if case is None or not actor.may_see(case["court"]):
            raise NotFound("case not found")
        return [_shown(r) for r in expected_receipt_store.of_case(uow.conn, case_id)]


def _open_case(uow: UnitOfWork, actor: Actor, case_id: int) -> dict:
    case = registry.case_by_id(uow.conn, case_id)
    if case is None or not actor.may_see(case["court"]):
        raise NotFound("case not found")
    if case["status"] != "open":
        raise IllegalTransition("the case is closed: it waits for no money")
    return case


def _place_one_already_here(uow: UnitOfWork, actor: Actor, case: dict, receipt: dict) -> None:
    expected = ExpectedReceipt(
        receipt["id"],
        case["case_number"],
        receipt["amount"],
        receipt["expected_by"],
        receipt["reference"],
        receipt["payer_account"],
    )
    account = case["collection_account_id"]
    for candidate in expected_receipt_store.orphans_fitting(uow.conn, receipt, account):
        how = fits(
            expected,
            text=f"{candidate['remark'] or ''} {candidate['bank_reference'] or ''}",
            amount=candidate["amount"],
            payer_account=candidate["counterparty_account"],
            booked_on=candidate["booked_on"],
        )
        if how:
            _place(uow, actor, case, receipt, candidate["id"], how)
            return


def _place(uow: UnitOfWork, actor: Actor, case: dict, receipt: dict, line_id: int, how: str):
    line = transactions.orphan_line(uow, actor, line_id)
    LINE_LIFECYCLE.after(line["status"], LineAction.ASSIGN)
    note = f"待到账款 #{receipt['id']}"  # a ledger record, in the court's language
    part_id = placements.place_part(uow, actor, line, case, line["amount"], note)
    parts = [{"id": part_id, "case_id": case["id"], "amount": line["amount"]}]
    after = {
        **placements.line_after(line, parts, rule="expected"),
        "match_evidence": {"expected_receipt_id": receipt["id"], "by": how},
        "resolution_note": note,
    }
    transactions.resolve_orphan_alerts(
        uow,
        actor,
        line,
        Message(
            "expected receipt {expected_receipt_id} received: case {case_number}",
            {"expected_receipt_id": receipt["id"], "case_number": case["case_number"]},
        ),
    )
    transactions.change_line(uow, actor, line, LineAction.ASSIGN, after)
    expected_receipt_store.mark_received(uow.conn, receipt["id"], line_id, utc_now())
    alert_store.resolve_by_subject_prefix(
        uow,
        actor,
        kind="expected_receipt_missing",
        prefix=f"expected_receipt:{receipt['id']}:",
        note=Message("received: statement line {line_id}", {"line_id": line_id}),
        case_id=case["id"],
    )


def _shown(receipt: dict) -> dict:
    status = "expected" if receipt["transaction_id"] is None else "received"
    return {**receipt, "status": status}


def scan_missing(
    engine: Engine, settings: dict, calendar: WorkingDayCalendar, as_of: date, actor: Actor = SYSTEM
) -> int:
    """Raise `expected_receipt_missing` for each receipt nothing matched by `expected_by` +
    N working days (as of a day, after that day); once per receipt. Return how many new."""
    window = settings["deadlines"]["expected_receipt_working_days"]
    raised = 0
    with UnitOfWork(engine) as uow:
        for row in deadline_store.expected_receipts_waiting(uow.conn, as_of):
            due = calendar.add_working_days(row["expected_by"], window).due
            if due is None or as_of <= due:
                continue
            alert_id = alert_store.raise_alert(
                uow,
                actor,
                kind="expected_receipt_missing",
                court=row["court"],
                subject=f"expected_receipt:{row['id']}:missing",
                case_id=row["case_id"],
                facts={
                    "expected_receipt_id": row["id"],
                    "case_number": row["case_number"],
                    "source": row["source"],
                    "reference": row["reference"],
                    "amount": format_yuan(row["amount"]),
                    "expected_by": row["expected_by"].isoformat(),
                    "due": due.isoformat(),
                },
            )
            raised += alert_id is not None
        for row in deadline_store.received_receipts_alerted(uow.conn):
            alert_store.resolve_by_subject_prefix(
                uow,
                actor,
                kind="expected_receipt_missing",
                prefix=f"expected_receipt:{row['id']}:",
                note=Message(
                    "received: statement line {line_id}", {"line_id": row["transaction_id"]}
                ),
                case_id=row["case_id"],
            )
        uow.commit()
    return raised
