"""Placing and releasing holds on disputed money (art. 22)."""

from __future__ import annotations

from reconcile import clock
from reconcile.actors import Actor
from reconcile.db import alert_store, hold_store, ledger_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound
from reconcile.holds import check_new_hold, release
from reconcile.ledger import EntryKind, Posting
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import visible_case


def place_hold(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    amount: int,
    reason: str,
    document_reference: str,
) -> dict:
    """Hold disputed money of a case; the hold may exceed what has arrived."""
    require(actor, Verb.PLACE_HOLD)
    check_new_hold(amount, reason, document_reference)
    with uow:
        case = visible_case(uow.conn, actor, case_id)
        hold_id = hold_store.insert_hold(
            uow.conn,
            case_id=case_id,
            amount=amount,
            reason=reason.strip(),
            document_reference=document_reference.strip(),
            placed_by=actor.name,
            placed_at=clock.utc_now(),
        )
        ledger_id = ledger_store.case_ledger_id(uow.conn, case_id)
        ledger_store.post(
            uow.conn,
            ledger_id,
            EntryKind.HOLD_PLACED,
            [Posting("held", amount)],
            enforce_available=False,
            hold_id=hold_id,
            note=reason,
        )
        hold = hold_view(hold_store.hold_by_id(uow.conn, hold_id))
        uow.audit(actor, "hold.placed", "hold", hold_id, court=case["court"], after=hold)
        alert_store.emit_case_event(
            uow, court=case["court"], case_id=case_id, event="hold_placed", facts=_facts(hold)
        )
        uow.commit()
    return hold


def release_hold(
    uow: UnitOfWork,
    actor: Actor,
    hold_id: int,
    *,
    amount: int | None = None,
    document_reference: str | None = None,
) -> dict:
    """Release a hold in part (`amount`) or in full (None), when the dispute is decided."""
    require(actor, Verb.PLACE_HOLD)
    with uow:
        before = _visible_hold(uow, actor, hold_id, lock=True)
        to_release, status = release(before["status"], before["amount"], before["released"], amount)
        hold_store.record_release(uow.conn, before, to_release, status, clock.utc_now())
        ledger_id = ledger_store.case_ledger_id(uow.conn, before["case_id"])
        placement = ledger_store.latest_entry(
            uow.conn, ledger_id, unreversed=False, hold_id=hold_id, kind=EntryKind.HOLD_PLACED
        )
        ledger_store.reverse(
            uow.conn,
            placement,
            EntryKind.HOLD_RELEASED,
            amount=to_release,
            enforce_available=False,
            note=document_reference,
        )
        hold = hold_view(hold_store.hold_by_id(uow.conn, hold_id))
        uow.audit(
            actor,
            "hold.released",
            "hold",
            hold_id,
            court=hold["court"],
            before=hold_view(before),
            after={**hold, "document_reference_of_release": document_reference},
        )
        alert_store.emit_case_event(
            uow,
            court=hold["court"],
            case_id=hold["case_id"],
            event="hold_released",
            facts={**_facts(hold), "released_now": to_release},
        )
        uow.commit()
    return hold


def get_hold(uow: UnitOfWork, actor: Actor, hold_id: int) -> dict:
    """Return a hold."""
    require(actor, Verb.READ)
    with uow:
        return hold_view(_visible_hold(uow, actor, hold_id))


def holds_of_case(uow: UnitOfWork, actor: Actor, case_id: int) -> list[dict]:
    """Return a case's holds, oldest first."""
    require(actor, Verb.READ)
    with uow:
        visible_case(uow.conn, actor, case_id)
        return [hold_view(h) for h in hold_store.holds_of_case(uow.conn, case_id)]


def hold_view(row: dict) -> dict:
    """Return a hold as the API shows it; `held` is what it still holds."""
    return {
        "id": row["id"],
        "case_id": row["case_id"],
        "court": row["court"],
        "amount": row["amount"],
        "released": row["released"],
        "held": row["amount"] - row["released"],
        "reason": row["reason"],
        "document_reference": row["document_reference"],
        "status": row["status"],
        "placed_by": row["placed_by"],
        "placed_at": row["placed_at"],
        "released_at": row["released_at"],
    }


def _visible_hold(uow: UnitOfWork, actor: Actor, hold_id: int, *, lock: bool = False) -> dict:
    row = hold_store.hold_by_id(uow.conn, hold_id, lock=lock)
    if row is None or not actor.may_see(row["court"]):
        raise NotFound("hold not found")
    return row


def _facts(hold: dict) -> dict:
    keys = ("amount", "released", "held", "reason", "document_reference", "status")
    return {"hold_id": hold["id"], **{k: hold[k] for k in keys}}
