"""Spreadsheet downloads that cannot run as formulas when opened (CSV injection)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

#: a cell starting with one of these is read as a formula by spreadsheet programs
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """Return UTF-8 CSV with a byte-order mark (so Excel reads the Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow(["" if v is None else neutralise(str(v)) for v in row])
    return "\ufeff".encode() + out.getvalue().encode()


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """Return an XLSX workbook; money stays a number, text is neutralised."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in [header, *rows]:
        sheet.append([_xlsx_cell(v) for v in row])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: object) -> object:
    if isinstance(value, Decimal | int | float) or value is None:
        return value
    return neutralise(str(value))
