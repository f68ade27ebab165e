"""The queries of supervision: alerts left unresolved, accounts whose statements stopped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, func, select

from reconcile.db.tables import collection_accounts, courts
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_statements import statement_imports

a = alerts.c


def unresolved_raised_before(conn: Connection, cutoff: datetime, *, besides: str) -> list[Row]:
    """Return the unresolved alerts raised before `cutoff`, other than of kind `besides`."""
    return conn.execute(
        select(
            a.id,
            a.kind,
            a.severity,
            a.court,
            a.case_id,
            a.raised_at,
            a.status,
            a.acknowledged_by,
            a.facts,
        )
        .where(a.status != "resolved", a.raised_at < cutoff, a.kind != besides)
        .order_by(a.id)
    ).all()


def escalated_ids(conn: Connection, kind: str, subjects: list[str]) -> set[str]:
    """Return which of `subjects` already have an alert of `kind`."""
    if not subjects:
        return set()
    rows = conn.execute(select(a.subject).where(a.kind == kind, a.subject.in_(subjects)))
    return set(rows.scalars())


def unresolved_of_kind(conn: Connection, kind: str) -> list[Row]:
    """Return the unresolved alerts of one kind (id, subject, court)."""
    return conn.execute(
        select(a.id, a.subject, a.court, a.status).where(a.kind == kind, a.status != "resolved")
    ).all()


def last_statement_days(conn: Connection) -> list[Row]:
    """Return each collection account with its court, when it was registered, and the last
    day a statement still in force covers (null when none was ever imported)."""
    ca, si = collection_accounts.c, statement_imports.c
    last = (
        select(si.collection_account_id, func.max(si.period_end).label("last_day"))
        .where(si.voided_at.is_(None))
        .group_by(si.collection_account_id)
        .subquery()
    )
    return conn.execute(
        select(
            ca.id, ca.account_number, ca.created_at, courts.c.code.label("court"), last.c.last_day
        )
        .join(courts, courts.c.id == ca.court_id)
        .outerjoin(last, last.c.collection_account_id == ca.id)
        .order_by(ca.id)
    ).all()
