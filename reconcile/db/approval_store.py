"""Decisions on requests that need approval in layers, and the guarded move of a request.

A request row (disbursement, deferral, payee change) moves only with a conditional
UPDATE on the status and approval count it was read with, and each decision is a row
the unique constraints of `approvals` admit once per approver and once per level: two
concurrent approvals can never both count.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from reconcile import clock
from reconcile.actors import Actor
from reconcile.db import deadline_marks, disbursement_counts
from reconcile.db.tables_payments import approvals, disbursements
from reconcile.errors import Conflict

ap = approvals.c


def record(
    conn: Connection,
    subject_type: str,
    subject_id: int,
    *,
    level: int,
    decision: str,
    actor: Actor,
    note: str | None = None,
    position: str | None = None,
) -> None:
    """Insert a decision; refuse a second one by the same approver or at the same level."""
    try:
        with conn.begin_nested():
            conn.execute(
                insert(approvals).values(
                    subject_type=subject_type,
                    subject_id=subject_id,
                    level=level,
                    decision=decision,
                    approver_id=actor.id,
                    approver_name=actor.name,
                    approver_position=position,
                    note=note,
                    decided_at=clock.utc_now(),
                )
            )
    except IntegrityError as e:
        raise Conflict("this request was decided at this level already; reload it") from e
    deadline_marks.subject_changed(conn, subject_type, subject_id)


def decisions_of(conn: Connection, subject_type: str, subject_id: int) -> list[dict]:
    """Return the decisions on a request, first level first."""
    return decisions_of_each(conn, subject_type, [subject_id])[subject_id]


def decisions_of_each(
    conn: Connection, subject_type: str, subject_ids: list[int]
) -> dict[int, list[dict]]:
    """Return the decisions on each of these requests, first level first, as `decisions_of`
    does one's (a request no one decided: an empty list), in one query."""
    found: dict[int, list[dict]] = {i: [] for i in subject_ids}
    if not subject_ids:
        return found
    rows = conn.execute(
        select(
            ap.subject_id,
            ap.level,
            ap.decision,
            ap.approver_id,
            ap.approver_name,
            ap.approver_position,
            ap.note,
            ap.decided_at,
        )
        .where(ap.subject_type == subject_type, ap.subject_id.in_(subject_ids))
        .order_by(ap.subject_id, ap.level)
    )
    for r in rows:
        decision = dict(r._mapping)
        found[decision.pop("subject_id")].append(decision)
    return found


def locked_row(conn: Connection, table: Table, row_id: int) -> dict | None:
    """Return a request row, locked until the transaction ends (PostgreSQL)."""
    row = conn.execute(select(table).where(table.c.id == row_id).with_for_update()).one_or_none()
    return dict(row._mapping) if row else None


def advance(conn: Connection, table: Table, row: dict, **values) -> None:
    """Update a request only if it is still as it was read; otherwise raise Conflict."""
    result = conn.execute(
        update(table)
        .where(
            table.c.id == row["id"],
            table.c.status == row["status"],
            table.c.approvals_count == row["approvals_count"],
        )
        .values(**values)
    )
    if result.rowcount != 1:
        raise Conflict("the request changed while you decided it; reload it")
    deadline_marks.request_changed(conn, table, row["id"])
    if table is disbursements and "status" in values:
        disbursement_counts.moved(conn, row, row["status"], values["status"])
