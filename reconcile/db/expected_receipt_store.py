"""Expected receipts: storing them, the orphan credit one fits, the open ones of an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, insert, or_, select, update

from reconcile.db.tables import cases
from reconcile.db.tables_parts import expected_receipts
from reconcile.db.tables_statements import statement_lines
from reconcile.expected_receipts import ExpectedReceipt, window
from reconcile.statement_lines import LineStatus

er = expected_receipts.c
sl = statement_lines.c


def add(conn: Connection, **values) -> int:
    return conn.execute(insert(expected_receipts).values(**values)).inserted_primary_key[0]


def of_case(conn: Connection, case_id: int) -> list[dict]:
    """Return the case's expected receipts, oldest first."""
    rows = conn.execute(select(expected_receipts).where(er.case_id == case_id).order_by(er.id))
    return [dict(r._mapping) for r in rows]


def by_id(conn: Connection, receipt_id: int) -> dict | None:
    row = conn.execute(select(expected_receipts).where(er.id == receipt_id)).one_or_none()
    return dict(row._mapping) if row else None


def orphans_fitting(conn: Connection, receipt: dict, collection_account_id: int) -> list[dict]:
    """Return the untouched orphan credits of the account the receipt may fit, oldest first."""
    conditions = []
    if receipt["reference"]:
        reference = receipt["reference"].strip()
        conditions += [sl.remark.contains(reference, autoescape=True),
                       sl.bank_reference.contains(reference, autoescape=True)]  # fmt: skip
    if receipt["payer_account"]:
        first, last = window(receipt["expected_by"])
        conditions.append(
            and_(
                sl.amount == receipt["amount"],
                sl.counterparty_account == receipt["payer_account"],
                sl.booked_on.between(first, last),
            )
        )
    rows = conn.execute(
        select(statement_lines)
        .where(
            sl.collection_account_id == collection_account_id,
            sl.direction == "credit",
            sl.status == LineStatus.ORPHAN.value,
            sl.match_rule.is_(None),
            or_(*conditions),
        )
        .order_by(sl.id)
        .limit(20)
    )
    return [dict(r._mapping) for r in rows]


def mark_received(conn: Connection, receipt_id: int, line_id: int, at: datetime) -> None:
    conn.execute(
        update(expected_receipts)
        .where(er.id == receipt_id, er.transaction_id.is_(None))
        .values(transaction_id=line_id, received_at=at)
    )


def open_receipts(conn: Connection, collection_account_id: int) -> list[ExpectedReceipt]:
    """Return the receipts still expected on the account's open cases (for the matcher)."""
    rows = conn.execute(
        select(er.id, cases.c.case_number, er.amount, er.expected_by, er.reference,
               er.payer_account)
        .join(cases, cases.c.id == er.case_id)
        .where(
            cases.c.collection_account_id == collection_account_id,
            cases.c.status == "open",
            er.transaction_id.is_(None),
        )
        .order_by(er.id)
    )  # fmt: skip
    return [ExpectedReceipt(*row) for row in rows]


def mark_received_from_import(conn: Connection, statement_id: int, at: datetime) -> int:
    """Record the receipts the matcher fitted to credits of one import; return how many."""
    rows = conn.execute(
        select(sl.id, sl.match_evidence).where(
            sl.statement_id == statement_id, sl.match_rule == "expected"
        )
    ).all()
    for row in rows:
        mark_received(conn, row.match_evidence["expected_receipt_id"], row.id, at)
    return len(rows)
