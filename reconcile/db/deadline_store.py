"""The facts the deadline clocks are computed from, and claiming a case for the scan."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, or_, select

from reconcile.clock import COURT_TZ, as_utc
from reconcile.db import disbursement_store, ledger_store, request_store
from reconcile.db.tables import cases, courts, ledger_accounts, ledger_entries
from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_lines
from reconcile.deadlines import CaseFacts, Notice
from reconcile.deferrals import pause_of
from reconcile.ledger import ARRIVALS, EntryKind

le = ledger_entries.c


def local_day(moment: datetime) -> date:
    """Return the court's local date of a stored moment."""
    return as_utc(moment).astimezone(COURT_TZ).date()


def arrivals(conn: Connection, case_id: int) -> list[tuple[date, int]]:
    """Return the money that arrived on the case as (arrival day, fen).

    A credit the statement placed arrived on the line's booking day; an orphan that staff
    assigned later arrived, for the case, on the day it was assigned. Money taken off the
    case again (an arrival a later entry reverses) has not arrived.
    """
    ledger_id = ledger_store.case_ledger_id(conn, case_id)
    reversed_ = (
        select(le.reverses_entry_id)
        .where(le.ledger_account_id == ledger_id, le.reverses_entry_id.is_not(None))
        .scalar_subquery()
    )
    rows = conn.execute(
        select(le.kind, le.created_at, le.amount, statement_lines.c.booked_on)
        .outerjoin(statement_lines, statement_lines.c.id == le.transaction_id)
        .where(
            le.ledger_account_id == ledger_id,
            le.bucket == "received",
            le.amount > 0,
            le.kind.in_(ARRIVALS),
            le.id.not_in(reversed_),
        )
        .order_by(le.id)
    )
    return [(_arrival_day(r), r.amount) for r in rows]


def _arrival_day(row) -> date:
    if row.kind == EntryKind.CREDIT and row.booked_on is not None:
        return row.booked_on
    return local_day(row.created_at)


def hold_changes(conn: Connection, case_id: int) -> list[tuple[date, int]]:
    """Return the case's hold placements (positive) and releases (negative) by day."""
    return _entries(conn, case_id, le.bucket == "held")


def _entries(conn: Connection, case_id: int, *conditions) -> list[tuple[date, int]]:
    ledger_id = ledger_store.case_ledger_id(conn, case_id)
    rows = conn.execute(
        select(le.created_at, le.amount)
        .where(le.ledger_account_id == ledger_id, *conditions)
        .order_by(le.id)
    )
    return [(local_day(r.created_at), r.amount) for r in rows]


def case_facts(conn: Connection, case: dict) -> CaseFacts:
    """Return everything the clocks of `case` (id, court, status) depend on."""
    notices = [
        Notice(n["id"], local_day(n["requested_at"]), n["amount"], n["paid_on"])
        for n in disbursement_store.notices_of_case(conn, case["id"])
    ]
    pauses = [
        pause_of(p["approved_on"], p["ended_on"], p["until"])
        for p in request_store.pauses_of_case(conn, case["id"])
    ]
    return CaseFacts(
        case_id=case["id"],
        court=case["court"],
        open=case["status"] == "open",
        arrivals=arrivals(conn, case["id"]),
        holds=hold_changes(conn, case["id"]),
        notices=notices,
        pauses=[p for p in pauses if p is not None],
    )


def cases_to_scan(conn: Connection) -> list[int]:
    """Return the cases that may have a running clock: money received, or an unpaid notice."""
    unpaid = select(disbursements.c.case_id).where(
        disbursements.c.status.in_(("requested", "approved"))
    )
    rows = conn.execute(
        select(ledger_accounts.c.case_id)
        .where(ledger_accounts.c.case_id.is_not(None))
        .where(or_(ledger_accounts.c.received > 0, ledger_accounts.c.case_id.in_(unpaid)))
        .order_by(ledger_accounts.c.case_id)
    )
    return [r.case_id for r in rows]


def _case_query():
    return select(
        cases.c.id, cases.c.status, cases.c.case_number, courts.c.code.label("court")
    ).join(courts, courts.c.id == cases.c.court_id)


def claim_case(conn: Connection, case_id: int) -> dict | None:
    """Lock a case for this scan, or return None if another scan holds it (SKIP LOCKED)."""
    query = _case_query().where(cases.c.id == case_id)
    row = conn.execute(query.with_for_update(skip_locked=True, of=cases)).one_or_none()
    return dict(row._mapping) if row else None


def lock_court(conn: Connection, court: str) -> None:
    """Lock a court's row until the transaction ends: serialises court-wide alerts."""
    conn.execute(select(courts.c.id).where(courts.c.code == court).with_for_update()).one()


def case_for_deadlines(conn: Connection, case_id: int) -> dict | None:
    """Return the case's id, status, number and court code, or None."""
    row = conn.execute(_case_query().where(cases.c.id == case_id)).one_or_none()
    return dict(row._mapping) if row else None
