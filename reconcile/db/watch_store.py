"""The queries of the watch: orphans still open, payments no debit has confirmed yet."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Row, select

from reconcile.db.tables import collection_accounts, courts
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_lines


def open_orphans(conn: Connection) -> list[Row]:
    """Return every orphan credit (id, account, amount, booked_on, reason), oldest id first.

    The accounts named, so that an index of (account, status, …) finds the orphans: by
    status alone the query read every line ever imported, twice a scan."""
    sl = statement_lines.c
    accounts = select(collection_accounts.c.id)
    return conn.execute(
        select(sl.id, sl.collection_account_id, sl.amount, sl.booked_on, sl.orphan_reason)
        .where(sl.collection_account_id.in_(accounts), sl.status == "orphan")
        .order_by(sl.id)
    ).all()


def disbursements_in(conn: Connection, statuses: Iterable[str]) -> list[Row]:
    """Return the disbursements in one of `statuses`, with what a payment alert tells."""
    d = disbursements.c
    return conn.execute(
        select(
            d.id,
            d.case_id,
            d.collection_account_id,
            d.amount,
            d.status,
            d.paid_on,
            d.decided_at,
            d.payee_account_number,
        )
        .where(d.status.in_(tuple(statuses)))
        .order_by(d.id)
    ).all()


def court_codes_by_account(conn: Connection) -> dict[int, str]:
    """Return each collection account's court code."""
    ca = collection_accounts.c
    rows = conn.execute(select(ca.id, courts.c.code).join(courts, courts.c.id == ca.court_id))
    return {r.id: r.code for r in rows}


def raised_before(conn: Connection, kind: str, subjects: list[str]) -> set[str]:
    """Return those of `subjects` an alert of `kind` was raised for already (one read of
    the alerts' (kind, subject) key)."""
    a = alerts.c
    query = select(a.subject).where(a.kind == kind, a.subject.in_(subjects))
    return set(conn.execute(query).scalars()) if subjects else set()
