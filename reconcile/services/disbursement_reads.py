"""Disbursements as shown: one with its approvals, and the pages of a court's or a case's."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import approval_store, disbursement_store
from reconcile.db.handles import Connection
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import DisbursementStatus, reference_of
from reconcile.errors import NotFound
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import visible_case


def get_disbursement(uow: UnitOfWork, actor: Actor, disbursement_id: int) -> dict:
    """Return a disbursement with its approvals."""
    require(actor, Verb.READ)
    with uow:
        view = disbursement_view(uow.conn, disbursement_id)
    if not actor.may_see(view["court"]):
        raise NotFound("disbursement not found")
    return view


def list_disbursements(
    uow: UnitOfWork,
    actor: Actor,
    *,
    status: str | None = None,
    case_id: int | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict]:
    """Return a page of the disbursements of the actor's courts, oldest first."""
    require(actor, Verb.READ)
    with uow:
        if case_id is not None:
            visible_case(uow.conn, actor, case_id)
        rows = disbursement_store.list_disbursements(
            uow.conn,
            courts_seen=None if actor.all_courts else actor.courts,
            status=status,
            case_id=case_id,
            after_id=after_id,
            limit=limit,
        )
        return [_with_approvals(uow.conn, row) for row in rows]


def disbursement_view(conn: Connection, disbursement_id: int) -> dict:
    """Return a disbursement as shown, with its approvals, or NotFound."""
    row = disbursement_store.disbursement_by_id(conn, disbursement_id)
    if row is None:
        raise NotFound("disbursement not found")
    return _with_approvals(conn, row)


def _with_approvals(conn: Connection, row: dict) -> dict:
    return shown(row, approval_store.decisions_of(conn, "disbursement", row["id"]))


def shown(row: dict, approvals: list[dict]) -> dict:
    """Return a disbursement as shown: without the ids kept for checks, with its decisions."""
    hidden = ("court_id", "requested_by_id", "reviewed_by_id")
    view = {k: v for k, v in row.items() if k not in hidden}
    view["reference"] = reference_of(row["id"])
    view["confirmed"] = row["status"] == DisbursementStatus.PAID
    view["approvals"] = approvals
    return view


def brief(row: dict) -> dict:
    """Return what the audit keeps of a disbursement before a move."""
    return {"status": row["status"], "approvals_count": row["approvals_count"]}
