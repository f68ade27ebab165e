"""The approval step shared by disbursements, deferrals and payee-account changes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table

from reconcile import clock
from reconcile.actors import Actor
from reconcile.approvals import Decision, approval_event, check_approver
from reconcile.db import approval_store, registry, request_store
from reconcile.errors import NotFound

APPROVERS = ("approver", "admin")
READERS = ("enforcement", "finance", "approver", "desk", "admin")


def decide(
    conn: Connection,
    actor: Actor,
    subject: tuple[str, Table],
    row: dict,
    decision: Decision,
    next_status: Callable[[str, str], str],
    note: str | None = None,
) -> str:
    """Record an approver's decision on a locked request row, move it, and return its status."""
    subject_type, table = subject
    decisions = approval_store.decisions_of(conn, subject_type, row["id"])
    approved_by = [d["approver_id"] for d in decisions]
    check_approver(actor.id, row["requested_by_id"], approved_by)
    level = row["approvals_count"] + 1
    if decision is Decision.APPROVE:
        event, count = approval_event(level, row["levels_required"]), level
    else:
        event, count = "rejected", row["approvals_count"]
    new = next_status(row["status"], event)
    approval_store.record(
        conn, subject_type, row["id"], level=level, decision=decision, actor=actor, note=note
    )
    decided_at = clock.utc_now() if new != row["status"] else None
    approval_store.advance(
        conn, table, row, status=new, approvals_count=count, decided_at=decided_at
    )
    return new


def visible_case(conn: Connection, actor: Actor, case_id: int) -> dict:
    """Return the case, or NotFound if it does not exist or is another court's."""
    row = registry.case_by_id(conn, case_id)
    if row is None or not actor.may_see(row["court"]):
        raise NotFound("case not found")
    return row


def visible_request(
    conn: Connection,
    actor: Actor,
    table: Table,
    request_id: int,
    *,
    what: str,
    lock: bool = False,
) -> dict:
    """Return a request (deferral, payee change) the actor's courts may see, or NotFound."""
    row = request_store.request_by_id(conn, table, request_id, lock=lock)
    if row is None or not actor.may_see(row["court"]):
        raise NotFound(f"{what} not found")
    return row


def request_view(conn: Connection, table: Table, subject: str, request_id: int) -> dict:
    """Return a request as shown, with its approvals, without the requester's token id."""
    row = request_store.request_by_id(conn, table, request_id)
    view = {k: v for k, v in row.items() if k != "requested_by_id"}
    view["approvals"] = approval_store.decisions_of(conn, subject, request_id)
    return view
