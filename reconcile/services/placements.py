"""Placing parts of a credit on cases by hand, and taking them off again.

The steps the transaction use cases share (assign, split, bulk assign, unassign), inside
the caller's unit of work: each part moves its money from the suspense ledger to the
case's by two entries, is audited, and tells the case's subscribers (art. 11:
`money_received`, `money_reversed`). A part's money arrived on the line's booking day.
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.case_events import CaseEvent
from reconcile.clock import utc_now
from reconcile.closed_case_credits import refuse_if_closed_for_good
from reconcile.db import alert_store, ledger_store, registry, transaction_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, IllegalTransition, NotFound
from reconcile.ledger import EntryKind, Posting
from reconcile.money import format_yuan
from reconcile.services import closed_case_credits
from reconcile.services.access import require_court
from reconcile.statement_lines import LineStatus

_CASE_STATE = ("case_number", "closure_type", "status")


def unplaced(line: dict, parts: list[dict]) -> int:
    """Return the fen of a credit no case holds yet: its amount less its placed parts."""
    done = (LineStatus.MATCHED, LineStatus.VOID, LineStatus.NON_CASE)  # non_case: on no case
    if line["direction"] != "credit" or line["status"] in done:
        return 0
    return line["amount"] - sum(part["amount"] for part in parts)


def with_parts(uow: UnitOfWork, lines: list[dict]) -> list[dict]:
    """Return the lines with their placed `parts` and `unplaced_amount` (None for debits)."""
    credits = [line["id"] for line in lines if line["direction"] == "credit"]
    parts = transaction_store.placed_parts(uow.conn, credits)
    return [_shown(line, parts.get(line["id"])) for line in lines]


def _shown(line: dict, parts: list[dict] | None) -> dict:
    if parts is None:
        return {**line, "parts": [], "unplaced_amount": None}
    shown = [
        {
            "id": p["id"],
            "case_id": p["case_id"],
            "case_number": p["case_number"],
            "amount": p["amount"],
            "arrived_on": line["booked_on"],
            "reason": p["reason"],
            "placed_by": p["placed_by"],
            "placed_at": p["placed_at"],
        }
        for p in parts
    ]
    return {**line, "parts": shown, "unplaced_amount": unplaced(line, parts)}


def open_case_for(uow: UnitOfWork, actor: Actor, line: dict, case_id: int) -> dict:
    """Return the case money of `line` may be placed on: same collection account, open."""
    case = registry.case_by_id(uow.conn, case_id)
    if case is None or case["collection_account_id"] != line["collection_account_id"]:
        raise NotFound("case not found under this collection account", case_id=case_id)
    require_court(actor, case["court"], N_("case"))
    refuse_if_closed_for_good(case)  # 终结本次执行 takes it, with a resume_needed alert
    return case


def place_part(
    uow: UnitOfWork, actor: Actor, line: dict, case: dict, amount: int, reason: str
) -> int:
    """Move `amount` fen of the orphan `line` from suspense to `case`; return the part's id."""
    conn = uow.conn
    suspense = ledger_store.suspense_ledger_id(conn, line["collection_account_id"])
    entries = {}
    for ledger_id, sign in sorted(((suspense, -1), (case["ledger_account_id"], 1))):
        (entries[sign],) = ledger_store.post(
            conn,
            ledger_id,
            EntryKind.ORPHAN_ASSIGNED,
            [Posting("received", sign * amount)],
            enforce_available=sign < 0,
            transaction_id=line["id"],
            note=reason,
        )
    part_id = transaction_store.add_part(
        conn,
        transaction_id=line["id"],
        case_id=case["id"],
        amount=amount,
        case_entry_id=entries[1],
        suspense_entry_id=entries[-1],
        reason=reason,
        placed_by=actor.name,
        placed_at=utc_now(),
    )
    facts = {"part_id": part_id, "case_id": case["id"], "case_number": case["case_number"]}
    uow.audit(
        actor,
        "transaction.part_placed",
        "transaction",
        line["id"],
        court=line["court"],
        after={**facts, "amount": format_yuan(amount), "reason": reason},
    )
    _tell(uow, line, case["id"], CaseEvent.MONEY_RECEIVED, {"amount": amount, "payments": 1})
    closed_case_credits.alert_placed(
        uow,
        actor,
        court=line["court"],
        case={"case_id": case["id"], **{k: case[k] for k in _CASE_STATE}},
        transaction_id=line["id"],
        amount=amount,
        booked_on=line["booked_on"],
        how="manual",
    )
    return part_id


def take_part_off(uow: UnitOfWork, actor: Actor, line: dict, part: dict, reason: str) -> None:
    """Reverse both entries of a placed part: the money goes back to the suspense ledger."""
    conn = uow.conn
    if not transaction_store.mark_part_reversed(
        conn, part["id"], by=actor.name, reason=reason, at=utc_now()
    ):
        raise IllegalTransition("the part was taken off its case already", part_id=part["id"])
    suspense = ledger_store.suspense_ledger_id(conn, line["collection_account_id"])
    case_ledger = ledger_store.case_ledger_id(conn, part["case_id"])
    entries = {case_ledger: part["case_entry_id"], suspense: part["suspense_entry_id"]}
    for ledger_id in sorted(entries):
        ledger_store.reverse(
            conn,
            entries[ledger_id],
            EntryKind.ASSIGNMENT_REVERSED,
            enforce_available=ledger_id == case_ledger,
            note=reason,
        )
    uow.audit(
        actor,
        "transaction.part_reversed",
        "transaction",
        line["id"],
        court=line["court"],
        before={"part_id": part["id"], "case_id": part["case_id"]},
        after={"amount": format_yuan(part["amount"]), "reason": reason},
    )
    tell_reversed(uow, line, part["case_id"], part["amount"], reason)


def tell_reversed(uow: UnitOfWork, line: dict, case_id: int, amount: int, reason: str) -> None:
    """Send `money_reversed` for money of `line` taken back off a case by staff."""
    facts = {"amount": amount, "statement_id": line["statement_id"], "reason": reason}
    _tell(uow, line, case_id, CaseEvent.MONEY_REVERSED, {**facts, "statement_void_id": None})


def _tell(uow: UnitOfWork, line: dict, case_id: int, event: CaseEvent, facts: dict) -> None:
    facts = {**facts, "amount": format_yuan(facts["amount"])}
    alert_store.emit_case_event(uow, court=line["court"], case_id=case_id, event=event, facts=facts)


def line_after(line: dict, parts: list[dict], *, rule: str = "manual") -> dict:
    """Return the line's status, case and rule once its placed parts are `parts`.

    All of it placed: matched, on its one case (or on none, when split across several);
    some left: an orphan of what is left, which shows its parts.
    """
    cases = {part["case_id"] for part in parts}
    if parts and sum(part["amount"] for part in parts) == line["amount"]:
        single = len(cases) == 1
        return {
            "status": LineStatus.MATCHED,
            "case_id": next(iter(cases)) if single else None,
            "match_rule": rule if len(parts) == 1 else "split",
        }
    return {"status": LineStatus.ORPHAN, "case_id": None, "match_rule": "split" if parts else None}
