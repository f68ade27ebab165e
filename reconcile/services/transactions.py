"""Transactions (statement lines): listing them, and resolving orphans (不明款).

An orphan is assigned to a case by finance staff with a reason, or refunded to the payer
through the disbursement approval flow. An assignment can be reversed, by reversing
entries, while the case still has the money available.
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import alert_store, ledger_store, registry, transaction_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import IllegalTransition, NotFound, ValidationFailed
from reconcile.ledger import ARRIVALS, EntryKind, Posting
from reconcile.permissions import Verb
from reconcile.services import disbursements
from reconcile.services.access import require, require_court
from reconcile.statement_lines import LINE_LIFECYCLE, LineAction, LineStatus


def list_transactions(
    uow: UnitOfWork, actor: Actor, *, after_id: int = 0, limit: int = 50, **filters
) -> list[dict]:
    """Return a page of statement lines, oldest first, of the actor's courts."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        return transaction_store.list_lines(
            uow.conn, court_codes=courts, after_id=after_id, limit=limit, **filters
        )


def get_transaction(uow: UnitOfWork, actor: Actor, line_id: int) -> dict:
    require(actor, Verb.READ)
    with uow:
        return _visible_line(uow, actor, line_id)


def assign_orphan(uow: UnitOfWork, actor: Actor, line_id: int, case_id: int, reason: str) -> dict:
    """Place an orphan credit on a case: suspense ledger out, case ledger in."""
    require(actor, Verb.RESOLVE_ORPHAN)
    _require_reason(reason)
    with uow:
        line = _orphan(uow, actor, line_id)
        case = registry.case_by_id(uow.conn, case_id)
        if case is None or case["collection_account_id"] != line["collection_account_id"]:
            raise NotFound("case not found under this collection account")
        require_court(actor, case["court"], "case")
        if case["status"] != "open":
            raise IllegalTransition("the case is closed: reopen it before assigning money to it")
        status = LINE_LIFECYCLE.after(line["status"], LineAction.ASSIGN)
        _assign(uow, line, case_id, note=reason)
        after = {
            "status": status,
            "case_id": case_id,
            "match_rule": "manual",
            "resolution_note": reason,
        }
        _resolve_alerts(uow, actor, line, f"assigned to case {case['case_number']}: {reason}")
        _change_line(uow, actor, line, LineAction.ASSIGN, after)
        result = _visible_line(uow, actor, line_id)
        uow.commit()
    return result


def unassign(uow: UnitOfWork, actor: Actor, line_id: int, reason: str) -> dict:
    """Reverse an assignment or a match: the money goes back to the suspense ledger."""
    require(actor, Verb.RESOLVE_ORPHAN)
    _require_reason(reason)
    with uow:
        line = _visible_line(uow, actor, line_id, for_update=True)
        if line["direction"] != "credit" or line["status"] != LineStatus.MATCHED:
            raise IllegalTransition("only a credit placed on a case can be taken off it")
        status = LINE_LIFECYCLE.after(line["status"], LineAction.UNASSIGN)
        _unassign(uow, line, note=reason)
        after = {
            "status": status,
            "case_id": None,
            "match_rule": None,
            "orphan_reason": "unassigned",
            "resolution_note": reason,
        }
        _change_line(uow, actor, line, LineAction.UNASSIGN, after)
        result = _visible_line(uow, actor, line_id)
        uow.commit()
    return result


def refund_orphan(
    uow: UnitOfWork, actor: Actor, line_id: int, reason: str, *, settings: dict
) -> dict:
    """Request the refund of an orphan to the payer's own account (approval flow follows)."""
    require(actor, Verb.RESOLVE_ORPHAN)
    _require_reason(reason)
    with uow:
        line = _orphan(uow, actor, line_id)
        if not line["counterparty_account"]:
            raise ValidationFailed(
                "the statement does not name the payer's account: "
                "the refund has nowhere lawful to go",
                field="reason",
            )
        request = disbursements.open_refund_request(
            uow,
            actor,
            collection_account_id=line["collection_account_id"],
            court=line["court"],
            transaction_id=line_id,
            amount=line["amount"],
            payer_account_number=line["counterparty_account"],
            reason=reason,
            settings=settings,
        )
        status = LINE_LIFECYCLE.after(line["status"], LineAction.REQUEST_REFUND)
        after = {"status": status, "resolution_note": reason}
        _resolve_alerts(uow, actor, line, f"refund requested: {reason}")
        _change_line(uow, actor, line, "refund_requested", after, disbursement_id=request["id"])
        result = {**_visible_line(uow, actor, line_id), "refund_disbursement_id": request["id"]}
        uow.commit()
    return result


def _orphan(uow: UnitOfWork, actor: Actor, line_id: int) -> dict:
    line = _visible_line(uow, actor, line_id, for_update=True)
    if line["direction"] != "credit" or line["status"] != LineStatus.ORPHAN:
        raise IllegalTransition(f"the transaction is {line['status']}, not an orphan credit")
    return line


def _assign(uow: UnitOfWork, line: dict, case_id: int, note: str) -> None:
    """Move an orphan's money from the suspense ledger to the case's."""
    conn, amount = uow.conn, line["amount"]
    suspense = ledger_store.suspense_ledger_id(conn, line["collection_account_id"])
    target = ledger_store.case_ledger_id(conn, case_id)
    for ledger_id, sign in _lock_order(suspense, target):
        ledger_store.post(
            conn,
            ledger_id,
            EntryKind.ORPHAN_ASSIGNED,
            [Posting("received", sign * amount)],
            enforce_available=sign < 0,
            transaction_id=line["id"],
            note=note,
        )


def _unassign(uow: UnitOfWork, line: dict, note: str) -> None:
    """Take a credit off its case by reversing the entries that placed it.

    The case's arrival entry (the import's credit or an assignment) is reversed; so is the
    suspense ledger's outgoing entry of an assignment, or, for a credit the import placed,
    the money returns to suspense as a new entry.
    """
    conn = uow.conn
    suspense = ledger_store.suspense_ledger_id(conn, line["collection_account_id"])
    case_ledger = ledger_store.case_ledger_id(conn, line["case_id"])
    arrival = ledger_store.latest_entry(
        conn, case_ledger, transaction_id=line["id"], kind=tuple(ARRIVALS), bucket="received"
    )
    taken_from_suspense = ledger_store.latest_entry(
        conn,
        suspense,
        transaction_id=line["id"],
        kind=EntryKind.ORPHAN_ASSIGNED,
        bucket="received",
    )
    kind = EntryKind.ASSIGNMENT_REVERSED
    for ledger_id, _ in _lock_order(case_ledger, suspense):
        if ledger_id == case_ledger:
            ledger_store.reverse(conn, arrival, kind, enforce_available=True, note=note)
        elif taken_from_suspense is not None:
            ledger_store.reverse(
                conn, taken_from_suspense, kind, enforce_available=False, note=note
            )
        else:
            ledger_store.post(
                conn,
                suspense,
                kind,
                [Posting("received", line["amount"])],
                enforce_available=False,
                transaction_id=line["id"],
                note=note,
            )


def _lock_order(source: int, target: int) -> list[tuple[int, int]]:
    """Return (ledger, sign) pairs in one lock order, so two moves never deadlock."""
    return sorted(((source, -1), (target, 1)))


def _change_line(
    uow: UnitOfWork, actor: Actor, line: dict, action: str, after: dict, **audited
) -> None:
    """Set the line's new values and audit them (with `audited`) against its state before."""
    transaction_store.set_line(uow.conn, line["id"], **after)
    uow.audit(
        actor,
        f"transaction.{action}",
        "transaction",
        line["id"],
        court=line["court"],
        before=_state(line),
        after={**after, **audited},
    )


def _resolve_alerts(uow: UnitOfWork, actor: Actor, line: dict, note: str) -> None:
    for kind in ("orphan_funds", "closed_case_credit"):
        alert_store.resolve_by_subject(
            uow, actor, kind=kind, subject=f"transaction:{line['id']}", note=note
        )


def _visible_line(uow: UnitOfWork, actor: Actor, line_id: int, *, for_update: bool = False) -> dict:
    line = transaction_store.line_by_id(uow.conn, line_id, for_update=for_update)
    if line is None or not actor.may_see(line["court"]):
        raise NotFound("transaction not found")
    return line


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ValidationFailed("a reason is required", field="reason")


def _state(line: dict) -> dict:
    return {"status": line["status"], "case_id": line["case_id"], "match_rule": line["match_rule"]}
