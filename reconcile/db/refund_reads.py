"""Refunds of unidentified funds as finance reads them beside their orphan: the rejected ones."""

from __future__ import annotations

from sqlalchemy import Connection, select, text

from reconcile.db.tables import courts
from reconcile.db.tables_payments import REFUNDS_ONLY, approvals, disbursements

dc, ap = disbursements.c, approvals.c


def rejected_refunds_of(conn: Connection, line_ids: list[int]) -> list[dict]:
    """Return the rejected refunds of these statement lines with who rejected them, why, when.

    Two lookups, the refunds by their lines (ix_disbursements_refund_of), then their
    decisions by subject: as one join, SQLite read every decision on a disbursement first.
    """
    if not line_ids:
        return []
    refunds = {
        r.id: dict(r._mapping)
        for r in conn.execute(
            select(
                dc.id,
                dc.refund_of_transaction_id.label("transaction_id"),
                dc.amount,
                dc.payee_account_number,
            ).where(
                dc.refund_of_transaction_id.in_(line_ids),
                dc.kind == "refund",
                dc.status == "rejected",
            )
        )
    }
    if not refunds:
        return []
    decisions = conn.execute(
        select(
            ap.subject_id,
            ap.approver_name.label("rejected_by"),
            ap.note.label("reason"),
            ap.decided_at.label("rejected_at"),
        ).where(
            ap.subject_type == "disbursement",
            ap.subject_id.in_(sorted(refunds)),
            ap.decision == "reject",
        )
    )
    found = [
        {**refunds[d.subject_id], **{k: v for k, v in d._mapping.items() if k != "subject_id"}}
        for d in decisions
    ]
    return sorted(found, key=lambda r: r["id"])


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
        # `+ 0`: the court's index in id order would read every payment of the court for
        # the few refunds; ix_disbursements_refunds, of the refunds alone, reads only them
        # (the kind written out: a bound value matches no partial index on SQLite)
        .join(courts, courts.c.id == dc.court_id + 0)
        .where(text(REFUNDS_ONLY), dc.status.in_(OPEN_STATUSES))
        .order_by(dc.id)
        .limit(limit)
    )
    if courts_seen is not None:
        query = query.where(courts.c.code.in_(sorted(courts_seen)))
    return [dict(r._mapping) for r in conn.execute(query)]
