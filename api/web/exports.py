"""Spreadsheet downloads that cannot run as formulas when opened (CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from openpyxl import Workbook

from reconcile.money import fen_to_decimal

#: a cell starting with one of these is read as a formula by spreadsheet programs
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def yuan(fen: int | None) -> Decimal | None:
    """Return fen as yuan for a cell: a number, never text."""
    return None if fen is None else fen_to_decimal(fen)


def attachment(filename: str) -> dict[str, str]:
    """Return the Content-Disposition of a download named in Chinese (RFC 6266 filename*)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {
        "Content-Disposition": f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(filename)}"
    }


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
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, Decimal | int | float):
                cell.number_format = MONEY_FORMAT if isinstance(cell.value, Decimal) else "0"
            elif isinstance(cell.value, date | datetime):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return neutralise(str(value))  # a spreadsheet has no time zones
    if isinstance(value, Decimal | int | float | date) or value is None:
        return value
    return neutralise(str(value))
