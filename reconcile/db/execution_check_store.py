"""The queries of the monthly execution ↔ finance check (reconcile.execution_checks)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, exists, select

from reconcile.db.tables import cases, courts, ledger_accounts
from reconcile.db.tables_payments import disbursements

la, d = ledger_accounts.c, disbursements.c
_UNRESERVED = la.received - la.held - la.pending - la.approved_unpaid - la.paid


def money_without_request(
    conn: Connection, court: str, answering: Iterable[str], limit: int
) -> list[dict]:
    """Return open cases of the court with money available and no request standing for it."""
    standing = exists().where(
        d.case_id == cases.c.id, d.status.in_(tuple(answering)), d.kind == "payment"
    )
    rows = conn.execute(
        select(
            cases.c.id.label("case_id"),
            cases.c.case_number,
            la.received,
            (la.received - la.paid).label("on_account"),
            _UNRESERVED.label("available"),
        )
        .join(courts, courts.c.id == cases.c.court_id)
        .join(ledger_accounts, la.case_id == cases.c.id)
        .where(courts.c.code == court, cases.c.status == "open", _UNRESERVED > 0, ~standing)
        .order_by(cases.c.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def disbursements_in(
    conn: Connection,
    court: str,
    statuses: Iterable[str],
    *,
    requested_from: datetime | None,
    requested_before: datetime,
    limit: int,
) -> list[dict]:
    """Return the court's payments in `statuses` requested in the window, oldest first."""
    window = [d.requested_at < requested_before]
    if requested_from is not None:
        window.append(d.requested_at >= requested_from)
    rows = conn.execute(
        select(
            d.id.label("disbursement_id"),
            d.case_id,
            cases.c.case_number,
            d.amount,
            d.status,
            d.requested_at,
            d.decided_at,
            d.paid_on,
            d.payee_account_name,
        )
        .join(courts, courts.c.id == d.court_id)
        .join(cases, cases.c.id == d.case_id)
        .where(
            courts.c.code == court,
            d.kind == "payment",
            d.status.in_(tuple(statuses)),
            and_(*window),
        )
        .order_by(d.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]
