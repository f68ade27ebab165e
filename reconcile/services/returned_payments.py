"""Recording returned payouts (退汇) that an import recognised.

The import recognises the credit (reconcile/returned_payments.py), stores it matched to
the payout's case with rule `returned_payment`, and posts it like any credit. Here, inside
the import's unit of work, the money is put back as the payout never having left:

- the credit's entry is taken back (`payment_returned`, reversing it): the money is not
  new money from the respondent;
- the payout's `paid` entry is taken back (`payment_returned`, reversing it, on the
  credit's booking day): the case has it again, and the applicant is owed it again;
- the disbursement becomes `bounced`, with the return's booking day: the notice clock
  runs again from that day for the returned amount (reconcile/deadlines.py);
- `payment_returned` is raised (warning: nothing was diverted, but the applicant was not
  paid and a new payment must be asked for) and told to the enforcement system.
"""

from __future__ import annotations

from datetime import timedelta

from reconcile.account_numbers import mask_account_number
from reconcile.actors import Actor
from reconcile.alerts import AlertKind
from reconcile.case_events import CaseEvent
from reconcile.clock import local_today
from reconcile.db import alert_store, disbursement_store, ledger_store, returned_payment_store
from reconcile.db.disbursement_store import DISBURSEMENTS
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import DISBURSEMENT_LIFECYCLE, DisbursementAction, reference_of
from reconcile.ledger import EntryKind, Posting
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.returned_payments import DEFAULT_WINDOW_DAYS, ReturnFinder
from reconcile.services.access import require
from reconcile.services.approving import visible_case
from reconcile.services.disbursement_reads import brief, disbursement_view

#: how far back a payout's return is looked for by its reference or a reversal (days)
LOOKBACK_DAYS = 400
PAID_KINDS = (EntryKind.DISBURSEMENT_MARKED_PAID, EntryKind.DISBURSEMENT_PAID)


def finder(conn, account: dict, window_days: int = DEFAULT_WINDOW_DAYS) -> ReturnFinder:
    """Return what recognises the returns of the account's recently paid payouts."""
    since = local_today() - timedelta(days=max(LOOKBACK_DAYS, window_days))
    return ReturnFinder(
        returned_payment_store.paid_payouts(conn, account["id"], since), window_days
    )


def follow_returns(uow: UnitOfWork, actor: Actor, account: dict, import_id: int) -> int:
    """Record every returned payout the import recognised; return how many."""
    lines = returned_payment_store.new_returns(uow.conn, import_id)
    for line in lines:
        _record(uow, actor, account, line)
    return len(lines)


def _record(uow: UnitOfWork, actor: Actor, account: dict, line: dict) -> None:
    conn = uow.conn
    payout = disbursement_store.locked(conn, line["disbursement_id"])
    new = DISBURSEMENT_LIFECYCLE.after(payout["status"], DisbursementAction.BOUNCE)
    ledger_id, amount = payout["ledger_account_id"], payout["amount"]
    note = f"退汇：{reference_of(payout['id'])}"  # a ledger record, in the court's language
    credit = ledger_store.latest_entry(
        conn, ledger_id, transaction_id=line["id"], kind=EntryKind.CREDIT, bucket="received"
    )
    ledger_store.reverse(
        conn, credit, EntryKind.PAYMENT_RETURNED, enforce_available=False, note=note
    )
    paid = ledger_store.latest_entry(
        conn, ledger_id, disbursement_id=payout["id"], kind=PAID_KINDS, bucket="paid"
    )
    ledger_store.post(
        conn,
        ledger_id,
        EntryKind.PAYMENT_RETURNED,
        [Posting("paid", -amount)],
        enforce_available=False,
        note=note,
        transaction_id=line["id"],  # dated by the return's booking day
        disbursement_id=payout["id"],
        reverses_entry_id=paid,
    )
    DISBURSEMENTS.advance(
        conn, payout, status=new, returned_on=line["booked_on"], return_transaction_id=line["id"]
    )
    view = disbursement_view(conn, payout["id"])
    uow.audit(
        actor,
        "disbursement.payment_returned",
        "disbursement",
        payout["id"],
        court=account["court"],
        before=brief(payout),
        after={**view, "return": _facts(payout, line)},
    )
    _alert(uow, actor, account, payout, line)
    alert_store.emit_case_event(
        uow,
        court=account["court"],
        case_id=payout["case_id"],
        event=CaseEvent.PAYMENT_RETURNED,
        facts={"disbursement_id": payout["id"], **_facts(payout, line)},
    )


def _facts(payout: dict, line: dict) -> dict:
    return {
        "amount": format_yuan(payout["amount"]),
        "reference": reference_of(payout["id"]),
        "payee_account_number": mask_account_number(payout["payee_account_number"]),
        "paid_on": payout["paid_on"].isoformat() if payout["paid_on"] else None,
        "returned_on": line["booked_on"].isoformat(),
        "transaction_id": line["id"],
        "by": (line["match_evidence"] or {}).get("by"),
    }


def _alert(uow: UnitOfWork, actor: Actor, account: dict, payout: dict, line: dict) -> None:
    facts = {**_facts(payout, line), "case_number": payout["case_number"]}
    alert_store.raise_alert(
        uow,
        actor,
        kind=AlertKind.PAYMENT_RETURNED,
        court=account["court"],
        subject=f"disbursement:{payout['id']}:returned:{line['id']}",
        case_id=payout["case_id"],
        transaction_id=line["id"],
        facts=facts,
    )


def returned_of_case(uow: UnitOfWork, actor: Actor, case_id: int) -> list[dict]:
    """Return the case's returned payouts (退汇), newest first, for the case page."""
    require(actor, Verb.READ)
    with uow:
        visible_case(uow.conn, actor, case_id)
        return returned_payment_store.returned_of_case(uow.conn, case_id)
