"""The reconciliation's reads as they were before the daily totals (migration 0018): sums
over every statement line and ledger entry up to the day. The scale benchmark swaps them
in for the "before" figures; the daily-totals test checks the totals against them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, and_, case, func, or_, select

from reconcile.clock import COURT_TZ
from reconcile.db import reconciliation_store
from reconcile.db.tables import ledger_accounts, ledger_entries
from reconcile.db.tables_statements import statement_lines

sl, le, la = statement_lines.c, ledger_entries.c, ledger_accounts.c
_signed = case((sl.direction == "credit", sl.amount), else_=-sl.amount)


def lines_sum(conn: Connection, account_id: int, after: date, until: date) -> int:
    """The signed sum of the account's lines in force booked after `after`, up to `until`."""
    return conn.execute(
        select(func.coalesce(func.sum(_signed), 0)).where(
            sl.collection_account_id == account_id,
            sl.status != "void",
            sl.booked_on > after,
            sl.booked_on <= until,
        )
    ).scalar_one()


def bank_balance(conn: Connection, account_id: int, day: date) -> int | None:
    """The bank's balance at the end of `day`: the store's anchor, plus every line since."""
    anchor = reconciliation_store.balance_anchor(conn, account_id, day)
    if anchor is None:
        return None
    balance, after = anchor
    return balance + lines_sum(conn, account_id, after, day)


def books(conn: Connection, account_id: int, day: date) -> dict[str, int]:
    """Received − paid per ledger kind, and approved-unpaid, summed over every entry: an
    entry counts on its line's booking day, else on the court's day it was posted."""
    cutoff = datetime.combine(day + timedelta(days=1), time(), COURT_TZ).astimezone(UTC)
    effective = or_(
        and_(sl.booked_on.is_not(None), sl.booked_on <= day),
        and_(sl.booked_on.is_(None), le.created_at < cutoff),
    )
    net = case((le.bucket == "received", le.amount), (le.bucket == "paid", -le.amount), else_=0)
    unpaid = case((le.bucket == "approved_unpaid", le.amount), else_=0)
    rows = conn.execute(
        select(la.kind, func.coalesce(func.sum(net), 0), func.coalesce(func.sum(unpaid), 0))
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


def statement_days(conn: Connection, account_id: int, since: date, until: date) -> list[date]:
    """The days with lines in force of the account, in order."""
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
