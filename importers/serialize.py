"""The `reconcile parse` JSON shape of a normalised statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from importers.base import Statement, StatementLine


def statement_to_json(statement: Statement) -> dict:
    """Give a statement as plain JSON data, consuming its lines first."""
    # balances and the period end may only be known once the lines are exhausted
    lines = [line_to_json(line) for line in statement.lines]
    return {
        "account": statement.account,
        "currency": statement.currency,
        "period": {"start": _date(statement.period_start), "end": _date(statement.period_end)},
        "opening_balance": _money(statement.opening_balance),
        "closing_balance": _money(statement.closing_balance),
        "lines": lines,
    }


def line_to_json(line: StatementLine) -> dict:
    """Give one statement line as plain JSON data."""
    return {
        "booked_on": _date(line.booked_on),
        "value_date": _date(line.value_date),
        "amount": _money(line.amount),
        "currency": line.currency,
        "bank_reference": line.bank_reference,
        "counterparty_name": line.counterparty_name,
        "counterparty_account": line.counterparty_account,
        "counterparty_bank": line.counterparty_bank,
        "remark": line.remark,
        "sub_account": line.sub_account,
    }


def _money(amount: Decimal | None) -> str | None:
    # "f" keeps 1E+2 from reaching the JSON; the file's own precision is kept
    return None if amount is None else format(amount, "f")


def _date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
