"""Deferrals and escrow (延缓发放 / 提存): requested with a legal ground, approved in layers.

While approved, the case's deadlines are paused.
"""

from __future__ import annotations

from datetime import date

from reconcile import clock
from reconcile.actors import Actor
from reconcile.approvals import Decision
from reconcile.db import approval_store, request_store
from reconcile.db.tables_payments import deferrals
from reconcile.db.uow import UnitOfWork
from reconcile.deferrals import DeferralKind, DeferralStatus, check_new_deferral, next_status
from reconcile.errors import ValidationFailed
from reconcile.services.access import require_role
from reconcile.services.approving import (
    APPROVERS,
    READERS,
    decide,
    request_view,
    visible_case,
    visible_request,
)

REQUESTERS = ("enforcement", "admin")
SUBJECT = ("deferral", deferrals)


def request_deferral(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    ground: str,
    document_reference: str,
    kind: str = DeferralKind.DEFERRAL,
    until: date | None = None,
    settings: dict,
) -> dict:
    """Ask to defer a case's payment (or pay into escrow) on a legal ground."""
    require_role(actor, *REQUESTERS)
    check_new_deferral(ground, document_reference, until, clock.local_today())
    if kind not in set(DeferralKind):
        raise ValidationFailed("kind is deferral or escrow", field="kind")
    with uow:
        case = visible_case(uow.conn, actor, case_id)
        deferral_id = request_store.insert_request(
            uow.conn,
            deferrals,
            case_id=case_id,
            kind=kind,
            ground=ground.strip(),
            document_reference=document_reference.strip(),
            until=until,
            levels_required=settings["approvals"]["deferral_levels"],
            requested_by=actor.name,
            requested_by_id=actor.id,
            requested_at=clock.utc_now(),
        )
        view = _view(uow, deferral_id)
        uow.audit(
            actor, "deferral.requested", "deferral", deferral_id, court=case["court"], after=view
        )
        uow.commit()
    return view


def approve_deferral(uow: UnitOfWork, actor: Actor, deferral_id: int, *, note=None) -> dict:
    """Approve at the next level; the last level stops the case's clock from today."""
    return _decide(uow, actor, deferral_id, Decision.APPROVE, note)


def reject_deferral(uow: UnitOfWork, actor: Actor, deferral_id: int, *, note=None) -> dict:
    """Reject a deferral request."""
    return _decide(uow, actor, deferral_id, Decision.REJECT, note)


def _decide(uow: UnitOfWork, actor: Actor, deferral_id: int, decision: Decision, note) -> dict:
    require_role(actor, *APPROVERS)
    with uow:
        row = _visible(uow, actor, deferral_id, lock=True)
        new = decide(uow.conn, actor, SUBJECT, row, decision, next_status, note)
        if new == DeferralStatus.APPROVED:
            request_store.set_values(
                uow.conn, deferrals, deferral_id, approved_on=clock.local_today()
            )
        view = _view(uow, deferral_id)
        uow.audit(
            actor,
            f"deferral.{new}",
            "deferral",
            deferral_id,
            court=row["court"],
            before={"status": row["status"]},
            after=view,
        )
        uow.commit()
    return view


def end_deferral(uow: UnitOfWork, actor: Actor, deferral_id: int) -> dict:
    """End an approved deferral: the clock runs again from tomorrow."""
    require_role(actor, *REQUESTERS, *APPROVERS)
    with uow:
        row = _visible(uow, actor, deferral_id, lock=True)
        new = next_status(row["status"], "ended")
        approval_store.advance(
            uow.conn, deferrals, row, status=new, ended_on=clock.local_today(), ended_by=actor.name
        )
        view = _view(uow, deferral_id)
        uow.audit(
            actor,
            "deferral.ended",
            "deferral",
            deferral_id,
            court=row["court"],
            before={"status": row["status"]},
            after=view,
        )
        uow.commit()
    return view


def get_deferral(uow: UnitOfWork, actor: Actor, deferral_id: int) -> dict:
    """Return a deferral with its approvals."""
    require_role(actor, *READERS)
    with uow:
        _visible(uow, actor, deferral_id)
        return _view(uow, deferral_id)


def deferrals_of_case(uow: UnitOfWork, actor: Actor, case_id: int) -> list[dict]:
    """Return a case's deferrals, oldest first."""
    require_role(actor, *READERS)
    with uow:
        visible_case(uow.conn, actor, case_id)
        rows = request_store.requests_of_case(uow.conn, deferrals, case_id)
        return [_view(uow, row["id"]) for row in rows]


def _visible(uow: UnitOfWork, actor: Actor, deferral_id: int, *, lock: bool = False) -> dict:
    return visible_request(uow.conn, actor, deferrals, deferral_id, what="deferral", lock=lock)


def _view(uow: UnitOfWork, deferral_id: int) -> dict:
    return request_view(uow.conn, deferrals, "deferral", deferral_id)
