"""The figures of a reconciliation, as of the end of a day, by the bank's booking dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, and_, case, func, or_, select

from reconcile.clock import COURT_TZ
from reconcile.db.tables import collection_accounts, ledger_accounts, ledger_entries
from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_imports, statement_lines
from reconcile.reconciliation import Explanation

sl, si, le, la = statement_lines.c, statement_imports.c, ledger_entries.c, ledger_accounts.c
_signed = case((sl.direction == "credit", sl.amount), else_=-sl.amount)


def bank_balance(conn: Connection, account_id: int, day: date) -> int | None:
    """Return the bank's balance at the end of `day`, from a stated balance and the lines."""
    anchor = conn.execute(
        select(si.period_end, si.closing_balance)
        .where(
            si.collection_account_id == account_id,
            si.voided_at.is_(None),  # a voided import's balances are not the bank's
            si.closing_balance.is_not(None),
            si.period_end.is_not(None),
            si.period_end <= day,
        )
        .order_by(si.period_end.desc(), si.id.desc())
        .limit(1)
    ).first()
    if anchor is not None:
        return anchor.closing_balance + _lines_sum(conn, account_id, anchor.period_end, day)
    opening = conn.execute(
        select(si.period_start, si.opening_balance)
        .where(
            si.collection_account_id == account_id,
            si.voided_at.is_(None),
            si.opening_balance.is_not(None),
            si.period_start.is_not(None),
            si.period_start <= day,
        )
        .order_by(si.period_start, si.id)
        .limit(1)
    ).first()
    if opening is None:
        return None
    return opening.opening_balance + _lines_sum(
        conn, account_id, opening.period_start - timedelta(days=1), day
    )


def _lines_sum(conn: Connection, account_id: int, after: date, until: date) -> int:
    return conn.execute(
        select(func.coalesce(func.sum(_signed), 0)).where(
            sl.collection_account_id == account_id,
            sl.status != "void",  # a voided import's lines are not the bank's
            sl.booked_on > after,
            sl.booked_on <= until,
        )
    ).scalar_one()


def books(conn: Connection, account_id: int, day: date) -> dict[str, int]:
    """Return received − paid per ledger kind (case, suspense), and approved-unpaid, at `day`."""
    # UTC: SQLite keeps the UTC wall time of a stored moment and compares it as text
    cutoff = datetime.combine(day + timedelta(days=1), time(), COURT_TZ).astimezone(UTC)
    effective = or_(
        and_(sl.booked_on.is_not(None), sl.booked_on <= day),
        and_(sl.booked_on.is_(None), le.created_at < cutoff),
    )
    amount = case((le.bucket == "received", le.amount), (le.bucket == "paid", -le.amount), else_=0)
    unpaid = case((le.bucket == "approved_unpaid", le.amount), else_=0)
    rows = conn.execute(
        select(la.kind, func.coalesce(func.sum(amount), 0), func.coalesce(func.sum(unpaid), 0))
        .select_from(ledger_entries)
        .join(ledger_accounts, la.id == le.ledger_account_id)
        .outerjoin(statement_lines, sl.id == le.transaction_id)
        .where(la.collection_account_id == account_id, effective)
        .group_by(la.kind)
    ).all()
    figures = {"case": 0, "suspense": 0, "approved_unpaid": 0}
    for kind, on_account, approved_unpaid in rows:
        figures[kind] = on_account
        figures["approved_unpaid"] += approved_unpaid
    return figures


def explanations(conn: Connection, account_id: int, day: date) -> list[Explanation]:
    """Return the known causes of a difference: flagged debits, payments not yet on a statement."""
    flagged = conn.execute(
        select(sl.id, sl.amount, sl.bank_reference)
        .where(
            sl.collection_account_id == account_id,
            sl.direction == "debit",
            sl.status == "flagged",
            sl.booked_on <= day,
        )
        .order_by(sl.id)
    )
    found = [
        Explanation("flagged_debit", -r.amount, transaction_id=r.id, note=r.bank_reference or "")
        for r in flagged
    ]
    d = disbursements.c
    unconfirmed = conn.execute(
        select(d.id, d.amount, d.bank_reference)
        .where(d.collection_account_id == account_id, d.status == "marked_paid", d.paid_on <= day)
        .order_by(d.id)
    )
    found += [
        Explanation(
            "paid_not_on_statement", r.amount, disbursement_id=r.id, note=r.bank_reference or ""
        )
        for r in unconfirmed
    ]
    return found


def statement_days(conn: Connection, account_id: int, since: date, until: date) -> list[date]:
    """Return the days with statement lines of the account, in order."""
    rows = conn.execute(
        select(sl.booked_on)
        .where(
            sl.collection_account_id == account_id,
            sl.status != "void",
            sl.booked_on >= since,
            sl.booked_on <= until,
        )
        .distinct()
        .order_by(sl.booked_on)
    )
    return [r.booked_on for r in rows]


def collection_account_ids(conn: Connection) -> list[int]:
    """Return the id of every collection account."""
    return list(conn.execute(select(collection_accounts.c.id)).scalars())
