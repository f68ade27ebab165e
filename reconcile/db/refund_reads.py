"""Refunds of unidentified funds as finance reads them beside their orphan: the rejected ones."""

from __future__ import annotations

from sqlalchemy import Connection, select

from reconcile.db.tables import courts
from reconcile.db.tables_payments import approvals, disbursements

dc, ap = disbursements.c, approvals.c


def rejected_refunds_of(conn: Connection, line_ids: list[int]) -> list[dict]:
    """Return the rejected refunds of these statement lines with who rejected them, why, when."""
    if not line_ids:
        return []
    rows = conn.execute(
        select(
            dc.id,
            dc.refund_of_transaction_id.label("transaction_id"),
            dc.amount,
            dc.payee_account_number,
            ap.approver_name.label("rejected_by"),
            ap.note.label("reason"),
            ap.decided_at.label("rejected_at"),
        )
        .join(approvals, (ap.subject_type == "disbursement") & (ap.subject_id == dc.id))
        .where(
            dc.kind == "refund",
            dc.status == "rejected",
            ap.decision == "reject",
            dc.refund_of_transaction_id.in_(line_ids),
        )
        .order_by(dc.id)
    )
    return [dict(r._mapping) for r in rows]


#: a refund finance still works on: waiting for approval, to pay, paid but unconfirmed
OPEN_STATUSES = ("requested", "approved", "marked_paid")


def open_refunds(conn: Connection, courts_seen: frozenset[str] | None, limit: int) -> list[dict]:
    """Return the refunds not yet rejected or confirmed, oldest first, with their court."""
    query = (
        select(
            dc.id,
            dc.status,
            dc.amount,
            dc.payee_account_number,
            dc.note,
            dc.requested_by,
            dc.requested_at,
            dc.refund_of_transaction_id.label("transaction_id"),
            courts.c.code.label("court"),
        )
        .join(courts, courts.c.id == dc.court_id)
        .where(dc.kind == "refund", dc.status.in_(OPEN_STATUSES))
        .order_by(dc.id)
        .limit(limit)
    )
    if courts_seen is not None:
        query = query.where(courts.c.code.in_(sorted(courts_seen)))
    return [dict(r._mapping) for r in conn.execute(query)]
