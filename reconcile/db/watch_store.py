"""The queries of the watch: orphans still open, payments no debit has confirmed yet.

The watch reads only what it has not alerted yet: each read leaves out, in the database,
the rows whose alert (kind, subject) exists, so a scan with nothing new reads no orphan
or payment row into Python, and the orphans by a range of booking days on the orphan
queue's index."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, Row, String, cast, literal, select

from reconcile.db.tables import collection_accounts, courts
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_lines

sl, a = statement_lines.c, alerts.c


def _orphans(*conditions):
    """Open orphan credits (the accounts named, the queue's index: account, status,
    direction, booking day), by id."""
    accounts = select(collection_accounts.c.id)
    return select().where(
        sl.collection_account_id.in_(accounts),
        sl.status == "orphan",
        sl.direction == "credit",
        *conditions,
    )


def orphan_booking_days(conn: Connection) -> list[date]:
    """Return the booking days of the open orphans (read off the queue's index alone)."""
    query = _orphans().add_columns(sl.booked_on).distinct().order_by(sl.booked_on)
    return list(conn.execute(query).scalars())


def orphans_not_alerted(
    conn: Connection, kind: str, first: date | None, last: date, suffix: str = ""
) -> list[Row]:
    """Return the open orphans (id, account, amount, booked_on, reason) booked in [first,
    last] (first None: any day up to last) without an alert of `kind` whose subject is
    `transaction:<id><suffix>`, oldest id first."""
    subject = literal("transaction:") + cast(sl.id, String)
    if suffix:
        subject = subject + literal(suffix)
    days = sl.booked_on <= last if first is None else sl.booked_on.between(first, last)
    query = _orphans(days, _not_alerted(kind, subject)).add_columns(
        sl.id, sl.collection_account_id, sl.amount, sl.booked_on, sl.orphan_reason
    )
    return conn.execute(query.order_by(sl.id)).all()


def disbursements_not_alerted(conn: Connection, statuses: Iterable[str], kind: str) -> list[Row]:
    """Return the disbursements in one of `statuses` without an alert of `kind` for that
    status (subject `disbursement:<id>:<status>`), with what a payment alert tells."""
    d = disbursements.c
    subject = literal("disbursement:") + cast(d.id, String) + literal(":") + d.status
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
        .where(d.status.in_(tuple(statuses)), _not_alerted(kind, subject))
        .order_by(d.id)
    ).all()


def _not_alerted(kind: str, subject):
    """No alert of `kind` has the row's `subject`: one lookup of the alerts' (kind, subject)
    key per row. A scalar subquery with LIMIT 1, not NOT EXISTS: alerts raised in bulk are
    not in the planner's statistics yet, and the anti join it plans then compares every
    row with every alert of the kind (seconds at 50,000 orphans)."""
    alerted = select(a.id).where(a.kind == kind, a.subject == subject).limit(1)
    return alerted.scalar_subquery().is_(None)


def court_codes_by_account(conn: Connection) -> dict[int, str]:
    """Return each collection account's court code."""
    ca = collection_accounts.c
    rows = conn.execute(select(ca.id, courts.c.code).join(courts, courts.c.id == ca.court_id))
    return {r.id: r.code for r in rows}
