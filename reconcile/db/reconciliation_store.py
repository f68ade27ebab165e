"""The figures of a reconciliation, as of the end of a day, by the bank's booking dates."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, and_, case, func, select

from reconcile.db import daily_totals
from reconcile.db.tables import collection_accounts
from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_imports, statement_lines
from reconcile.reconciliation import ExplainedKind, Explanation
from reconcile.statement_lines import LineStatus

sl, si = statement_lines.c, statement_imports.c


def bank_balance(conn: Connection, account_id: int, day: date) -> int | None:
    """Return the bank's balance at the end of `day`, from a stated balance and the lines."""
    anchor = balance_anchor(conn, account_id, day)
    if anchor is None:
        return None
    balance, after = anchor
    return balance + _lines_sum(conn, account_id, after, day)


def balance_anchor(conn: Connection, account_id: int, day: date) -> tuple[int, date] | None:
    """Return the last balance a statement in force states by `day`, and the day it holds at
    the end of (lines after it count on top): a closing balance, else the first opening
    balance (at the end of the day before its period). None: no statement states one."""
    closing = conn.execute(
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
    if closing is not None:
        return closing.closing_balance, closing.period_end
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
    return opening.opening_balance, opening.period_start - timedelta(days=1)


def _lines_sum(conn: Connection, account_id: int, after: date, until: date) -> int:
    return daily_totals.bank_between(conn, account_id, after, until)


def books(conn: Connection, account_id: int, day: date) -> dict[str, int]:
    """Return received − paid per ledger kind (case, suspense), and approved-unpaid, at `day`.

    From the daily totals: an entry counts on its line's booking day, else on the court's
    day it was posted.
    """
    figures = daily_totals.books_until(conn, account_id, day)
    return {
        "case": figures["cases"],
        "suspense": figures["suspense"],
        "approved_unpaid": figures["approved_unpaid"],
    }


def non_case_net(conn: Connection, account_id: int, day: date) -> int:
    """The net of the account's lines booked until `day` that a line rule decided are not
    case money (interest credits less fee debits, reconcile/line_rules.py)."""
    signed = case((sl.direction == "credit", sl.amount), else_=-sl.amount)
    return conn.execute(
        select(func.coalesce(func.sum(signed), 0)).where(
            sl.collection_account_id == account_id,
            sl.status == LineStatus.NON_CASE.value,
            sl.booked_on <= day,
        )
    ).scalar_one()


#: the causes of a difference listed by name, of each kind; the rest are counted and summed
LISTED = 10


def explanations(
    conn: Connection, account_id: int, day: date
) -> tuple[list[Explanation], list[ExplainedKind]]:
    """Return the known causes of a difference (flagged debits, payments not yet on a
    statement): the first LISTED of each kind, and the count and sum of each kind."""
    flagged = and_(
        sl.collection_account_id == account_id,
        sl.direction == "debit",
        sl.status == "flagged",
        sl.booked_on <= day,
    )
    d = disbursements.c
    unconfirmed = and_(
        d.collection_account_id == account_id, d.status == "marked_paid", d.paid_on <= day
    )
    listed = [
        Explanation("flagged_debit", -r.amount, transaction_id=r.id, note=r.bank_reference or "")
        for r in conn.execute(
            select(sl.id, sl.amount, sl.bank_reference).where(flagged).order_by(sl.id).limit(LISTED)
        )
    ]
    listed += [
        Explanation(
            "paid_not_on_statement", r.amount, disbursement_id=r.id, note=r.bank_reference or ""
        )
        for r in conn.execute(
            select(d.id, d.amount, d.bank_reference).where(unconfirmed).order_by(d.id).limit(LISTED)
        )
    ]
    kinds = []
    for kind, amount, condition, sign in (
        ("flagged_debit", sl.amount, flagged, -1),
        ("paid_not_on_statement", d.amount, unconfirmed, 1),
    ):
        count, total = conn.execute(
            select(func.count(), func.coalesce(func.sum(amount), 0)).where(condition)
        ).one()
        if count:
            kinds.append(ExplainedKind(kind, count, sign * total))
    return listed, kinds


def statement_days(conn: Connection, account_id: int, since: date, until: date) -> list[date]:
    """Return the days with statement lines of the account, in order."""
    return daily_totals.days_with_lines(conn, account_id, since, until)


def collection_account_ids(conn: Connection) -> list[int]:
    """Return the id of every collection account."""
    return list(conn.execute(select(collection_accounts.c.id)).scalars())
