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
from reconcile.ledger import Posting
from reconcile.services import disbursements
from reconcile.services.access import require_court, require_role

READERS = ("finance", "approver", "enforcement", "desk", "admin")


def list_transactions(
    uow: UnitOfWork, actor: Actor, *, after_id: int = 0, limit: int = 50, **filters
) -> list[dict]:
    """Return a page of statement lines, oldest first, of the actor's courts."""
    require_role(actor, *READERS)
    courts = None if actor.all_courts else actor.courts
    with uow:
        return transaction_store.list_lines(
            uow.conn, court_codes=courts, after_id=after_id, limit=limit, **filters
        )


def get_transaction(uow: UnitOfWork, actor: Actor, line_id: int) -> dict:
    require_role(actor, *READERS)
    with uow:
        return _visible_line(uow, actor, line_id)


def assign_orphan(uow: UnitOfWork, actor: Actor, line_id: int, case_id: int, reason: str) -> dict:
    """Place an orphan credit on a case: suspense ledger out, case ledger in."""
    require_role(actor, "finance", "admin")
    _require_reason(reason)
    with uow:
        line = _orphan(uow, actor, line_id)
        case = registry.case_by_id(uow.conn, case_id)
        if case is None or case["collection_account_id"] != line["collection_account_id"]:
            raise NotFound("case not found under this collection account")
        require_court(actor, case["court"], "case")
        if case["status"] != "open":
            raise IllegalTransition("the case is closed: reopen it before assigning money to it")
        _move(uow, line, from_case=None, to_case=case_id, kind="orphan_assigned", note=reason)
        after = {
            "status": "matched",
            "case_id": case_id,
            "match_rule": "manual",
            "resolution_note": reason,
        }
        _resolve_alerts(uow, actor, line, f"assigned to case {case['case_number']}: {reason}")
        _change_line(uow, actor, line, "assigned", after)
        result = _visible_line(uow, actor, line_id)
        uow.commit()
    return result


def unassign(uow: UnitOfWork, actor: Actor, line_id: int, reason: str) -> dict:
    """Reverse an assignment or a match: the money goes back to the suspense ledger."""
    require_role(actor, "finance", "admin")
    _require_reason(reason)
    with uow:
        line = _visible_line(uow, actor, line_id, for_update=True)
        if line["direction"] != "credit" or line["status"] != "matched":
            raise IllegalTransition("only a credit placed on a case can be taken off it")
        _move(
            uow,
            line,
            from_case=line["case_id"],
            to_case=None,
            kind="assignment_reversed",
            note=reason,
        )
        after = {
            "status": "orphan",
            "case_id": None,
            "match_rule": None,
            "orphan_reason": "unassigned",
            "resolution_note": reason,
        }
        _change_line(uow, actor, line, "unassigned", after)
        result = _visible_line(uow, actor, line_id)
        uow.commit()
    return result


def refund_orphan(uow: UnitOfWork, actor: Actor, line_id: int, reason: str) -> dict:
    """Request the refund of an orphan to the payer's own account (approval flow follows)."""
    require_role(actor, "finance", "admin")
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
        )
        after = {"status": "refunding", "resolution_note": reason}
        _resolve_alerts(uow, actor, line, f"refund requested: {reason}")
        _change_line(uow, actor, line, "refund_requested", after, disbursement_id=request["id"])
        result = {**_visible_line(uow, actor, line_id), "refund_disbursement_id": request["id"]}
        uow.commit()
    return result


def _orphan(uow: UnitOfWork, actor: Actor, line_id: int) -> dict:
    line = _visible_line(uow, actor, line_id, for_update=True)
    if line["direction"] != "credit" or line["status"] != "orphan":
        raise IllegalTransition(f"the transaction is {line['status']}, not an orphan credit")
    return line


def _move(
    uow: UnitOfWork, line: dict, *, from_case: int | None, to_case: int | None, kind: str, note: str
) -> None:
    conn, amount = uow.conn, line["amount"]
    suspense = ledger_store.suspense_ledger_id(conn, line["collection_account_id"])
    source = ledger_store.case_ledger_id(conn, from_case) if from_case else suspense
    target = ledger_store.case_ledger_id(conn, to_case) if to_case else suspense
    for ledger_id, sign in sorted(((source, -1), (target, 1))):  # one lock order: no deadlock
        ledger_store.post(
            conn,
            ledger_id,
            kind,
            [Posting("received", sign * amount)],
            enforce_available=sign < 0,
            transaction_id=line["id"],
            note=note,
        )


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
