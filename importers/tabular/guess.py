"""The importer's best guess at a layout it cannot read: structured data for a mapping step.

Given the rows looked at, it says per column what a header cell above it may name (if any
row reads like a header) and what its values look like: dates, amounts, flags or text.
When no cell names a field and no row of words comes before the first dated row (a file
without a header row), it also proposes `positions`
(field → 1-based column numbers), the form a headerless statement profile maps them in.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from importers.tabular.cells import (
    Cell,
    clean_text,
    date_orders,
    decimal_mark,
    parse_amount,
    parse_date,
)
from importers.tabular.sources import Row

ROWS_SHOWN = 20
COLUMNS_SHOWN = 64  #: a hostile file of 500,000 columns is shown (and guessed) this far
CELL_SHOWN = 200  #: characters of a cell shown
EXAMPLES = 3
_SHARE = 0.6  #: share of a column's non-empty values that must agree on a kind


def layout_guess(rows: list[Row], profiles_dir: Path) -> dict:
    """The rows looked at and, per column, its header text and a guess of what it holds."""
    from importers.tabular.header import _alias_index, cell_matches

    shown = [(number, cells) for number, cells in rows if any(clean_text(c) for c in cells)]
    shown = [(number, cells[:COLUMNS_SHOWN]) for number, cells in shown[:ROWS_SHOWN]]
    width = max((len(cells) for _, cells in shown), default=0)
    index = _alias_index(profiles_dir)
    columns = []
    for column in range(width):
        values = [
            clean_text(cells[column])[:CELL_SHOWN] for _, cells in shown if column < len(cells)
        ]
        values = [value for value in values if value]
        named = {}
        for value in values:
            for field_name, match in cell_matches(value, index).items():
                if match.weight > named.get(field_name, 0):
                    named[field_name] = match.weight
        columns.append(
            {
                "index": column,
                "names": sorted(named, key=lambda name: -named[name]),
                "guess": _kind(values),
                "examples": values[:EXAMPLES],
            }
        )
    headerless = not any(column["names"] for column in columns) and not _text_row_first(
        shown, [c["index"] for c in columns if c["guess"] == "date"]
    )
    return {
        "rows": [
            {"line": number, "cells": [_text(c)[:CELL_SHOWN] for c in cells]}
            for number, cells in shown
        ],
        "columns": columns,
        "headerless": headerless,
        "positions": propose_positions(columns, shown) if headerless else {},
    }


def _text_row_first(rows: list[tuple[int, list[Cell]]], date_columns: list[int]) -> bool:
    """Whether a row of words (two cells or more, no digit: a header the aliases do not
    know) comes before the first row with a date."""
    for _, cells in rows:
        if any(i < len(cells) and _is_date(clean_text(cells[i])) for i in date_columns):
            return False
        texts = [clean_text(cell) for cell in cells if clean_text(cell)]
        if len(texts) >= 2 and not any(ch.isdigit() for text in texts for ch in text):
            return True
    return False


def propose_positions(columns: list[dict], rows: list[tuple[int, list[Cell]]]) -> dict:
    """A first guess at the positions of a headerless file, for the clerk to correct: the
    first date column is the booking date, the second the value date; money is an amount
    column whose values have cents (whole numbers are ids and account numbers): two that
    are never both filled are debit and credit, else the first with a sign is the amount
    and another the balance; a column of ISO codes is the currency, one of 借/贷, C/D,
    +/- the flag; the longest text is the remark."""
    number = {column["index"]: column["index"] + 1 for column in columns}
    dates = [c["index"] for c in columns if c["guess"] == "date"]
    amounts = [c["index"] for c in columns if c["guess"] == "amount" and _has_cents(c, rows)]
    texts = [c["index"] for c in columns if c["guess"] in ("text", "flag")]
    if not dates or not amounts:
        return {}
    positions: dict[str, list[int]] = {"booked_on": [number[dates[0]]]}
    if len(dates) > 1:
        positions["value_date"] = [number[dates[1]]]
    pair = _debit_credit_pair(amounts, rows)
    if pair:
        positions["debit"], positions["credit"] = [number[pair[0]]], [number[pair[1]]]
        rest = [i for i in amounts if i not in pair]
    else:
        signed = [i for i in amounts if any(_cell(c, i)[:1] in "+-(" for _, c in rows)]
        amount = (signed or amounts)[0]
        positions["amount"], rest = [number[amount]], [i for i in amounts if i != amount]
    if rest:
        positions["balance"] = [number[rest[0]]]
    for index in list(texts):
        values = {_cell(cells, index).strip() for _, cells in rows} - {""}
        if values and all(_CURRENCY.fullmatch(v) for v in values):
            positions.setdefault("currency", [number[index]])
            texts.remove(index)
        elif values and values <= _FLAGS and "amount" in positions:
            positions.setdefault("flag", [number[index]])
            texts.remove(index)
    if texts:
        longest = max(texts, key=lambda i: sum(len(_cell(cells, i)) for _, cells in rows))
        positions["remark"] = [number[longest]]
    return positions


_CURRENCY = re.compile(r"[A-Z]{3}")
#: flag values the guess recognises; the profile's `[flag]` table says how they read
_FLAGS = {"借", "贷", "收", "支", "收入", "支出", "C", "D", "CR", "DR", "Cr", "Dr", "+", "-",
          "借 Dr", "贷 Cr", "Af", "Bij", "S", "H"}  # fmt: skip
_CENTS = re.compile(r"\d[.,]\d{1,2}(?!\d)")


def _has_cents(column: dict, rows) -> bool:
    values = [_cell(cells, column["index"]) for _, cells in rows]
    values = [value for value in values if value]
    return bool(values) and sum(1 for v in values if _CENTS.search(v)) >= _SHARE * len(values)


def _debit_credit_pair(amounts: list[int], rows) -> tuple[int, int] | None:
    """Two neighbouring amount columns of which each row fills exactly one."""
    for left, right in pairwise(amounts):
        filled = [(bool(_cell(c, left)), bool(_cell(c, right))) for _, c in rows]
        filled = [pair for pair in filled if any(pair)]
        if filled and all(a != b for a, b in filled) and len(set(filled)) == 2:
            return left, right
    return None


def _cell(cells: list[Cell], index: int) -> str:
    text = clean_text(cells[index]) if index < len(cells) else ""
    return "" if text in {"0", "0.00", "0,00", "-"} else text


def _kind(values: list[str]) -> str | None:
    """`date`, `amount`, `flag` or `text` for the values of one column; None when empty."""
    if not values:
        return None
    dates = sum(1 for value in values if _is_date(value))
    amounts = sum(1 for value in values if _is_amount(value))
    if dates >= _SHARE * len(values):
        return "date"
    if amounts >= _SHARE * len(values):
        return "amount"
    distinct = {value.lower() for value in values}
    if len(values) >= 3 and len(distinct) <= 3 and all(len(value) <= 6 for value in distinct):
        return "flag"
    return "text"


def _is_date(value: str) -> bool:
    if date_orders(value):
        return True
    try:
        parse_date(value)
    except ValueError:
        return False
    return not value.isdigit() or len(value) == 8


def _is_amount(value: str) -> bool:
    try:
        return parse_amount(value, decimal_mark(value) == ",") is not None
    except ValueError:
        return False


def _text(cell: Cell) -> str:
    return clean_text(cell)
