"""Placing one credit on several cases, and many orphans at once (finance).

A respondent paying several cases in one transfer, a batched deduction, auction proceeds:
`split_credit` places each part on its case (its money arrived on the bank's booking day);
what the parts leave stays an orphan and the line shows it. `assign_bulk` assigns many
orphans in one transaction: every item or none.
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import transaction_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, DomainError, Message, ValidationFailed
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services import placements, transactions
from reconcile.services.access import require
from reconcile.statement_lines import LINE_LIFECYCLE, LineAction, LineStatus

#: the most parts of one split, and items of one bulk assignment
MOST_PARTS = 100
MOST_ITEMS = 500


def split_credit(
    uow: UnitOfWork, actor: Actor, line_id: int, parts: list[tuple[int, int]], reason: str
) -> dict:
    """Place parts (case id, fen) of an orphan credit on their cases; the rest stays orphan."""
    require(actor, Verb.RESOLVE_ORPHAN)
    transactions.require_reason(reason)
    with uow:
        line = transactions.orphan_line(uow, actor, line_id)
        _check_parts(parts)
        placed = transaction_store.placed_parts(uow.conn, [line_id])[line_id]
        left = placements.unplaced(line, placed)
        asked = sum(amount for _, amount in parts)
        if asked > left:
            raise ValidationFailed(
                "the parts add up to {parts_total} yuan, more than the "
                "{unplaced_amount} yuan of the credit no case holds yet",
                field="parts",
                parts_total=format_yuan(asked),
                unplaced_amount=format_yuan(left),
            )
        cases = [placements.open_case_for(uow, actor, line, case_id) for case_id, _ in parts]
        for case, (_, amount) in zip(cases, parts, strict=True):
            part_id = placements.place_part(uow, actor, line, case, amount, reason)
            placed.append({"id": part_id, "case_id": case["id"], "amount": amount})
        after = {**placements.line_after(line, placed), "resolution_note": reason}
        if after["status"] == LineStatus.MATCHED:
            LINE_LIFECYCLE.after(line["status"], LineAction.ASSIGN)
            numbers = ", ".join(case["case_number"] for case in cases)
            transactions.resolve_orphan_alerts(
                uow,
                actor,
                line,
                Message(
                    "split to {case_numbers}: {reason}", {"case_numbers": numbers, "reason": reason}
                ),
            )
        transactions.change_line(uow, actor, line, "split", after, parts=len(parts))
        result = transactions.shown_line(uow, actor, line_id)
        uow.commit()
    return result


def _check_parts(parts: list[tuple[int, int]]) -> None:
    if not parts:
        raise ValidationFailed("name at least one part", field="parts")
    if len(parts) > MOST_PARTS:
        raise ValidationFailed("at most {most} parts", most=MOST_PARTS, field="parts")
    case_ids = [case_id for case_id, _ in parts]
    if len(set(case_ids)) != len(case_ids):
        raise ValidationFailed("each case once: put its money in one part", field="parts")
    if any(amount <= 0 for _, amount in parts):
        raise ValidationFailed("every part must be a positive amount", field="parts")


def assign_bulk(uow: UnitOfWork, actor: Actor, items: list[tuple[int, int]], reason: str) -> dict:
    """Assign each orphan (transaction id, case id) to its case: all of them, or none.

    The first item refused names itself (its position, transaction and why) and nothing
    is changed. Lines are taken in id order, so two bulk assignments never deadlock.
    """
    require(actor, Verb.RESOLVE_ORPHAN)
    transactions.require_reason(reason)
    if not items or len(items) > MOST_ITEMS:
        raise ValidationFailed("give between 1 and {most} items", most=MOST_ITEMS, field="items")
    seen: dict[int, int] = {}
    for index, (line_id, _) in enumerate(items):
        if line_id in seen:
            twice = Message(N_("the transaction is in item {first}"), {"first": seen[line_id]})
            raise _item_refused(index, line_id, twice)
        seen[line_id] = index
    with uow:
        for index, (line_id, case_id) in sorted(enumerate(items), key=lambda i: i[1][0]):
            try:
                transactions.assign_in(uow, actor, line_id, case_id, reason)
            except DomainError as refusal:
                raise _item_refused(index, line_id, refusal, refusal.code) from refusal
        ids = [line_id for line_id, _ in items]
        lines = [transactions.shown_line(uow, actor, line_id) for line_id in ids]
        uow.commit()
    return {"items": lines, "assigned": len(lines)}


def _item_refused(index: int, line_id: int, why: Message | DomainError, code: str | None = None):
    return ValidationFailed(
        "item {item} (transaction {transaction_id}): {reason}; nothing was assigned",
        reason=why,
        field=f"items.{index}",
        item=index,
        transaction_id=line_id,
        refusal=code or "validation_error",
    )
