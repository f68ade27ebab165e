"""Transactions (statement lines): listing them, and resolving orphans (不明款).

An orphan is assigned to a case by finance staff with a reason, or refunded to the payer
through the disbursement approval flow; a credit may also be split across cases
(reconcile/services/splits.py), its remainder staying an orphan. An assignment, or one
part of a split, can be reversed, by reversing entries, while the case still has the
money available.
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import alert_store, ledger_store, transaction_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import IllegalTransition, Message, NotFound, ValidationFailed
from reconcile.ledger import ARRIVALS, EntryKind, Posting
from reconcile.permissions import Verb
from reconcile.services import disbursements, placements
from reconcile.services.access import require
from reconcile.statement_lines import LINE_LIFECYCLE, LineAction, LineStatus


def list_transactions(
    uow: UnitOfWork, actor: Actor, *, after_id: int = 0, limit: int = 50, **filters
) -> list[dict]:
    """Return a page of statement lines, oldest first, of the actor's courts.

    Filters: status, direction, case_id, booked_from/booked_to (days, inclusive),
    amount_min/amount_max (fen, inclusive); `by_booking` pages by booking day then id,
    after (`after_booked_on`, `after_id`).
    """
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        lines = transaction_store.list_lines(
            uow.conn, court_codes=courts, after_id=after_id, limit=limit, **filters
        )
        return placements.with_parts(uow, lines)


def transaction_totals(uow: UnitOfWork, actor: Actor, **filters) -> dict:
    """Return the 合计 of the lines `list_transactions` shows with these filters: their
    `count`, `amount`, and (for orphan credits) `unplaced`, the fen no case holds yet."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        found = transaction_store.line_totals(uow.conn, court_codes=courts, **filters)
    return {
        "count": found["count"],
        "amount": found["amount"],
        "unplaced": found["amount"] - found["placed"],
    }


def get_transaction(uow: UnitOfWork, actor: Actor, line_id: int) -> dict:
    require(actor, Verb.READ)
    with uow:
        return shown_line(uow, actor, line_id)


def assign_orphan(uow: UnitOfWork, actor: Actor, line_id: int, case_id: int, reason: str) -> dict:
    """Place an orphan credit (what is left of it) on a case: suspense out, case ledger in."""
    require(actor, Verb.RESOLVE_ORPHAN)
    require_reason(reason)
    with uow:
        assign_in(uow, actor, line_id, case_id, reason)
        result = shown_line(uow, actor, line_id)
        uow.commit()
    return result


def assign_in(uow: UnitOfWork, actor: Actor, line_id: int, case_id: int, reason: str) -> None:
    """Assign inside the caller's unit of work (assign, bulk assign)."""
    line = orphan_line(uow, actor, line_id)
    case = placements.open_case_for(uow, actor, line, case_id)
    LINE_LIFECYCLE.after(line["status"], LineAction.ASSIGN)
    placed = transaction_store.placed_parts(uow.conn, [line_id])[line_id]
    rest = placements.unplaced(line, placed)
    part_id = placements.place_part(uow, actor, line, case, rest, reason)
    parts = [*placed, {"id": part_id, "case_id": case_id, "amount": rest}]
    after = {**placements.line_after(line, parts), "resolution_note": reason}
    resolve_orphan_alerts(
        uow,
        actor,
        line,
        Message(
            "assigned to case {case_number}: {reason}",
            {"case_number": case["case_number"], "reason": reason},
        ),
    )
    change_line(uow, actor, line, LineAction.ASSIGN, after)


def unassign(
    uow: UnitOfWork, actor: Actor, line_id: int, reason: str, *, part_id: int | None = None
) -> dict:
    """Take a credit, or one part of it, off its case: the money goes back to suspense."""
    require(actor, Verb.RESOLVE_ORPHAN)
    require_reason(reason)
    with uow:
        line = visible_line(uow, actor, line_id, for_update=True)
        parts = transaction_store.placed_parts(uow.conn, [line_id])[line_id]
        if line["direction"] != "credit" or not _on_a_case(line, parts):
            raise IllegalTransition("only a credit placed on a case can be taken off it")
        if line["match_rule"] == "returned_payment":  # its entries are reversed already
            raise IllegalTransition("a returned payout (退汇) stays with the payment it returns")
        if parts:
            part = _part_named(parts, part_id)
            placements.take_part_off(uow, actor, line, part, reason)
            after = placements.line_after(line, [p for p in parts if p is not part])
        else:
            _unassign(uow, line, note=reason)
            placements.tell_reversed(uow, line, line["case_id"], line["amount"], reason)
            after = placements.line_after(line, [])
        if line["status"] == LineStatus.MATCHED:
            LINE_LIFECYCLE.after(line["status"], LineAction.UNASSIGN)
            after["orphan_reason"] = "unassigned"
        after["resolution_note"] = reason
        change_line(uow, actor, line, LineAction.UNASSIGN, after)
        result = shown_line(uow, actor, line_id)
        uow.commit()
    return result


def _on_a_case(line: dict, parts: list[dict]) -> bool:
    return line["status"] == LineStatus.MATCHED or (
        line["status"] == LineStatus.ORPHAN and bool(parts)
    )


def _part_named(parts: list[dict], part_id: int | None) -> dict:
    if part_id is None:
        if len(parts) > 1:
            raise ValidationFailed(
                "the credit is split across cases: name the part to take off",
                field="part_id",
                parts=[p["id"] for p in parts],
            )
        return parts[0]
    for part in parts:
        if part["id"] == part_id:
            return part
    raise NotFound("no such part placed of this transaction", part_id=part_id)


def refund_orphan(
    uow: UnitOfWork, actor: Actor, line_id: int, reason: str, *, settings: dict
) -> dict:
    """Request the refund of an orphan (what no case holds of it) to the payer's own account."""
    require(actor, Verb.RESOLVE_ORPHAN)
    require_reason(reason)
    with uow:
        line = orphan_line(uow, actor, line_id)
        if not line["counterparty_account"]:
            raise ValidationFailed(
                "the statement does not name the payer's account: "
                "the refund has nowhere lawful to go",
                field="reason",
            )
        placed = transaction_store.placed_parts(uow.conn, [line_id])[line_id]
        request = disbursements.open_refund_request(
            uow,
            actor,
            collection_account_id=line["collection_account_id"],
            court=line["court"],
            transaction_id=line_id,
            amount=placements.unplaced(line, placed),
            payer_account_number=line["counterparty_account"],
            reason=reason,
            settings=settings,
        )
        status = LINE_LIFECYCLE.after(line["status"], LineAction.REQUEST_REFUND)
        after = {"status": status, "resolution_note": reason}
        resolve_orphan_alerts(
            uow, actor, line, Message("refund requested: {reason}", {"reason": reason})
        )
        change_line(uow, actor, line, "refund_requested", after, disbursement_id=request["id"])
        result = {**shown_line(uow, actor, line_id), "refund_disbursement_id": request["id"]}
        uow.commit()
    return result


def orphan_line(uow: UnitOfWork, actor: Actor, line_id: int) -> dict:
    """Return the orphan credit `line_id`, locked; refuse any other line."""
    line = visible_line(uow, actor, line_id, for_update=True)
    if line["direction"] != "credit" or line["status"] != LineStatus.ORPHAN:
        raise IllegalTransition(
            "the transaction is {state}, not an orphan credit", state=line["status"]
        )
    return line


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


def change_line(
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


#: the alerts an orphan's resolution ends: ageing ones are per threshold
#: (`transaction:<id>:age:<n>`), a rejected refund's `transaction:<id>:refund_rejected:<d>`
ORPHAN_ALERT_KINDS = (
    "orphan_funds",
    "closed_case_credit",
    "identification_overdue",
    "orphan_ageing",
)


def resolve_orphan_alerts(uow: UnitOfWork, actor: Actor, line: dict, note: Message) -> None:
    subject = f"transaction:{line['id']}"
    for kind in ORPHAN_ALERT_KINDS:
        alert_store.resolve_by_subject(uow, actor, kind=kind, subject=subject, note=note)
        alert_store.resolve_by_subject_prefix(
            uow, actor, kind=kind, prefix=subject + ":", note=note, transaction_id=line["id"]
        )


def visible_line(uow: UnitOfWork, actor: Actor, line_id: int, *, for_update: bool = False) -> dict:
    line = transaction_store.line_by_id(uow.conn, line_id, for_update=for_update)
    if line is None or not actor.may_see(line["court"]):
        raise NotFound("transaction not found")
    return line


def shown_line(uow: UnitOfWork, actor: Actor, line_id: int) -> dict:
    """Return the visible line with its placed parts and what is left of it."""
    [line] = placements.with_parts(uow, [visible_line(uow, actor, line_id)])
    return line


def require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ValidationFailed("a reason is required", field="reason")


def _state(line: dict) -> dict:
    return {"status": line["status"], "case_id": line["case_id"], "match_rule": line["match_rule"]}
