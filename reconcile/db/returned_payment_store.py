"""Reading what recognising and recording returned payouts (退汇) needs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_lines
from reconcile.returned_payments import PaidPayout

dc, sl = disbursements.c, statement_lines.c
RETURNED_PAYMENT = "returned_payment"  #: the match rule of a returned payout's credit
#: a payout the bank may send back: paid, or marked paid and not yet confirmed
RETURNABLE = ("paid", "marked_paid")


def paid_payouts(conn: Connection, collection_account_id: int, since: date) -> list[PaidPayout]:
    """Return the account's payments to applicants paid on or after `since`."""
    rows = conn.execute(
        select(dc.id, dc.case_id, dc.amount, dc.payee_account_number, dc.paid_on)
        .where(
            dc.collection_account_id == collection_account_id,
            dc.status.in_(RETURNABLE),
            dc.case_id.is_not(None),
            dc.paid_on >= since,
        )
        .order_by(dc.id)
    )
    return [PaidPayout(r.id, r.case_id, r.amount, r.payee_account_number, r.paid_on) for r in rows]


def new_returns(conn: Connection, import_id: int) -> list[dict]:
    """Return the import's credits recognised as returned payouts, in line order."""
    rows = conn.execute(
        select(statement_lines)
        .where(sl.statement_id == import_id, sl.match_rule == RETURNED_PAYMENT)
        .order_by(sl.id)
    )
    return [dict(r._mapping) for r in rows]


def returned_of_case(conn: Connection, case_id: int) -> list[dict]:
    """Return the case's returned payouts, newest first, with the credit that returned each."""
    rows = conn.execute(
        select(
            dc.id,
            dc.amount,
            dc.payee_account_number,
            dc.payee_account_name,
            dc.paid_on,
            dc.returned_on,
            dc.return_transaction_id,
            sl.remark,
            sl.match_evidence,
        )
        .outerjoin(statement_lines, sl.id == dc.return_transaction_id)
        .where(dc.case_id == case_id, dc.status == "bounced")
        .order_by(dc.returned_on.desc(), dc.id.desc())
    )
    return [dict(r._mapping) for r in rows]
