"""The importer's best guess at a layout it cannot read: structured data for a mapping step.

Given the rows looked at, it says per column what a header cell above it may name (if any
row reads like a header) and what its values look like: dates, amounts, flags or text.
"""

from __future__ import annotations

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
    return {
        "rows": [
            {"line": number, "cells": [_text(c)[:CELL_SHOWN] for c in cells]}
            for number, cells in shown
        ],
        "columns": columns,
    }


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
