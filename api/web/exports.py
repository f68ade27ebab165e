"""Spreadsheet downloads that cannot run as formulas when opened (CSV injection)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter

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


def to_xlsx(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    """Return an XLSX workbook; money stays a number, text is neutralised."""
    return b"".join(xlsx_parts(title, header, rows))


def xlsx_parts(title: str, header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """Yield an XLSX workbook's bytes: one sheet, the first row frozen, money as numbers
    formatted `#,##0.00`, dates as dates, text neutralised.

    XlsxWriter in its constant-memory mode writes each row to a temporary file as it
    comes (about a third of openpyxl's time a row), so a long download holds one row in
    memory, not the sheet; the workbook is sent in parts once it is written.
    """
    with tempfile.TemporaryFile() as out:
        book = xlsxwriter.Workbook(out, _AS_GIVEN)
        styles = {
            "money": book.add_format({"num_format": MONEY_FORMAT}),
            "date": book.add_format({"num_format": DATE_FORMAT}),
            "whole": book.add_format({"num_format": "0"}),
        }
        sheet = book.add_worksheet(_sheet_name(title))
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, max(len(header), 1) - 1, 18)
        sheet.write_row(0, 0, [_NOT_XML.sub("", str(h)) for h in header])
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                _write(sheet, styles, number, column, _xlsx_cell(value))
        book.close()
        out.seek(0)
        while part := out.read(_PART_BYTES):
            yield part


#: text stays text, whatever it looks like (a formula, a number, an address)
_AS_GIVEN = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_PART_BYTES = 64 * 1024
#: characters XML 1.0 cannot hold (control characters other than tab and line ends)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _write(sheet, styles: dict, row: int, column: int, cell: object) -> None:
    if cell is None:
        return
    if isinstance(cell, str):
        sheet.write_string(row, column, _NOT_XML.sub("", cell))
    elif isinstance(cell, bool):
        sheet.write_boolean(row, column, cell)
    elif isinstance(cell, date):  # a datetime too
        sheet.write_datetime(row, column, cell, styles["date"])
    elif isinstance(cell, Decimal):
        sheet.write_number(row, column, cell, styles["money"])
    else:
        sheet.write_number(row, column, cell, styles["whole"])


def _xlsx_cell(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return neutralise(str(value))  # a spreadsheet has no time zones
    if isinstance(value, Decimal | int | float | date) or value is None:
        return value
    return neutralise(str(value))


def _sheet_name(title: str) -> str:
    """A sheet's name: at most 31 characters, none of those a name cannot hold."""
    return re.sub(r"[\\/?*\[\]:]", " ", _NOT_XML.sub("", title))[:31].strip("'") or "Sheet1"
