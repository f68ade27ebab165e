"""Rows out of CSV/TSV text, HTML tables, XLSX and XLS files, streamed.

Every reader yields `(line_number, cells)`: the 1-based line (text) or row (sheets).
Text is decoded incrementally by a TextIOWrapper: a large export never sits in memory
as one string. Excel numbers become `Decimal` here (see `decimal_from_float`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import chain
from typing import BinaryIO

from importers.base import StatementParseError
from importers.tabular.cells import Cell, decimal_from_float

Row = tuple[int, list[Cell]]
HEAD_BYTES = 64 * 1024
DELIMITERS = (",", "\t", ";")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SPOOL_LIMIT = 16 * 1024 * 1024
SNIFF_LINES = 40  #: lines read to choose the delimiter
READ_BYTES = 256 * 1024  #: bytes decoded at a time: fewer, larger decoder calls

# Bounds of a workbook, against bombs: an XLSX is a zip of XML, and a few hundred KB can
# inflate to a shared-strings table of 500 MB (held whole by openpyxl) or a sheet whose
# cells are one per column up to XFD in every row (16,384 values a row). Refused beyond.
MAX_INFLATED_BYTES = 256 * 1024 * 1024  #: all of an XLSX's members, uncompressed
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024  #: xl/sharedStrings.xml, uncompressed
MAX_ZIP_MEMBERS = 1000
MAX_SHEET_ROWS = 1_048_576  #: Excel's own limit
MAX_ROW_CELLS = 1024  #: a bank export has a few dozen columns
MAX_SHEET_CELLS = 20_000_000
MAX_XLS_BYTES = 64 * 1024 * 1024  #: a BIFF file is read whole by xlrd; XLS holds 65,536 rows


def container_of(head: bytes) -> str:
    """Tell xlsx, xls (OLE2), html or text from the first bytes."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) and b"<t" in start:
        return "html"
    return "text"


def guess_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the head decodes as such, else GB18030."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252" if _looks_western(head) else "gb18030"
    return "utf-8"


_HIGH_THEN_ASCII_LETTER = re.compile(rb"[\x80-\xff][a-zA-Z]")
_HIGH_PAIR = re.compile(rb"[\x81-\xfe][\xa1-\xfe]")


def _looks_western(head: bytes) -> bool:
    """Tell an ISO-8859-1/cp1252 export (`Währung`) from GBK/GB18030 text.

    Both decode as GB18030, but Chinese text pairs its high bytes (a lead byte then a trail
    byte of 0xA1 or more), while a Western accented letter is one high byte between ASCII
    letters. More lone high bytes followed by a letter than high pairs: Western.
    """
    sample = head[:16384]
    lone = len(_HIGH_THEN_ASCII_LETTER.findall(sample))
    pairs = len(_HIGH_PAIR.findall(sample))
    return lone > 0 and lone > pairs


class Rewound(io.RawIOBase):
    """A readable stream that replays already-read head bytes before the rest."""

    def __init__(self, head: bytes, rest: BinaryIO, *, refuse_nul: bool = False) -> None:
        self.head = memoryview(head)
        self.rest = rest
        self.refuse_nul = refuse_nul  #: a NUL anywhere, not only in the head: binary data
        self.lines = 0  #: line breaks before the chunk being read, to name a NUL's line

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        chunk = self.rest.read(len(buffer))
        if self.refuse_nul:
            if b"\x00" in chunk:
                line = self.lines + chunk.count(b"\n", 0, chunk.index(b"\x00")) + 1
                raise StatementParseError("binary data (a NUL byte), not a text export", line=line)
            self.lines += chunk.count(b"\n")
        buffer[: len(chunk)] = chunk
        return len(chunk)


def text_rows(
    head: bytes, rest: BinaryIO, encoding: str, score: Callable[[list[list[str]]], int]
) -> Iterator[Row]:
    """Rows of delimited text; the delimiter is the one whose header scores best."""
    utf16 = encoding.startswith("utf-16")
    if b"\x00" in head and not utf16:
        raise StatementParseError("binary data, not a text export", line=1)
    rewound = Rewound(head, rest, refuse_nul=not utf16)
    rewound.lines = head.count(b"\n")
    raw = io.BufferedReader(rewound, READ_BYTES)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    first: list[str] = []
    try:
        for line in text:
            first.append(line)
            if len(first) == SNIFF_LINES:
                break
    except UnicodeDecodeError as error:
        raise _undecodable(encoding, len(first), error) from error
    delimiter = _delimiter(first, score)
    # csv reads the decoded stream itself: no Python code runs per line until a row is out
    reader = csv.reader(chain(first, text), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise StatementParseError(
            "malformed CSV: {problem}", line=reader.line_num, problem=str(error)
        ) from error
    except UnicodeDecodeError as error:
        raise _undecodable(encoding, reader.line_num, error) from error


def _delimiter(first: list[str], score: Callable[[list[list[str]]], int]) -> str:
    """The delimiter whose rows score best; one the csv module cannot read with scores -1."""
    scores, failures = {}, []
    for delimiter in DELIMITERS:
        reader = csv.reader(first, delimiter=delimiter)
        try:
            scores[delimiter] = score(list(reader))
        except csv.Error as error:  # e.g. a field over the csv module's 128 KB limit
            scores[delimiter] = -1
            failures.append((reader.line_num, error))
    if len(failures) == len(DELIMITERS):
        line, error = failures[0]
        raise StatementParseError(
            "malformed CSV: {problem}", line=line, problem=str(error)
        ) from error
    if max(scores.values()) <= 0:
        return _most_regular(first)  # no header anywhere: the unknown-layout guess needs columns
    return max(DELIMITERS, key=scores.__getitem__)


def _most_regular(first: list[str]) -> str:
    """The delimiter that splits the non-blank lines into the same, largest number of cells."""
    lines = [line for line in first if line.strip()]

    def regularity(delimiter: str) -> tuple[int, int]:
        counts = [line.count(delimiter) for line in lines]
        common = max(set(counts), key=counts.count) if counts else 0
        return (sum(1 for c in counts if c == common and c > 0), common)

    return max(DELIMITERS, key=regularity)


def _undecodable(encoding: str, lines_read: int, error: UnicodeDecodeError) -> StatementParseError:
    """Name the line of the bad bytes.

    The decoder fails on a chunk that starts within the line after the last one read
    (lines are read whole) and may span many lines: count the line breaks before the
    bad bytes. A pending partial character never holds a line break byte.
    """
    line = lines_read + 1 + error.object[: error.start].count(b"\n")
    return StatementParseError(
        "the text is not valid {encoding}", line=line, field="encoding", encoding=encoding
    )


def xlsx_rows(stream: BinaryIO, sheet: int = 0) -> Iterator[Row]:
    """Rows of a workbook's sheet, read-only and with cached values of formulas."""
    import openpyxl

    seekable = _seekable(stream)
    try:
        _check_zip(seekable)
    except StatementParseError:
        if seekable is not stream:
            seekable.close()
        raise
    with warnings.catch_warnings():
        # Bank exports often lack a default style; openpyxl then warns at load time only.
        warnings.filterwarnings("ignore", "Workbook contains no default style", UserWarning)
        try:
            book = openpyxl.load_workbook(seekable, read_only=True, data_only=True)
        except Exception as error:  # zipfile, KeyError, XML errors: all mean unreadable
            if seekable is not stream:
                seekable.close()
            raise StatementParseError(
                "not a readable XLSX workbook: {problem}", problem=str(error)
            ) from error
    number = cells = 0
    try:
        if sheet >= len(book.worksheets):
            raise StatementParseError("the workbook has no sheet {sheet}", sheet=sheet + 1)
        worksheet = book.worksheets[sheet]
        # read_only trusts the sheet's <dimension>, which exporters leave stale: rows past
        # it were silently not read. Never trust it: read the rows that are there.
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(values_only=True)
        while True:
            # read_only: the sheet's XML is inflated and parsed as the rows are taken
            try:
                values = next(rows, None)
            except Exception as error:  # zlib, zipfile, XML errors: the sheet is damaged
                raise StatementParseError(
                    "not a readable XLSX worksheet: {problem}", line=number + 1, problem=str(error)
                ) from error
            if values is None:
                return
            number += 1
            cells += len(values)
            _check_size(number, len(values), cells)
            yield number, [_excel_cell(value) for value in values]
    finally:
        book.close()
        if seekable is not stream:
            seekable.close()


def xls_rows(stream: BinaryIO, sheet: int = 0) -> Iterator[Row]:
    """Rows of a binary (OLE2/BIFF) workbook; XLS is capped at 65,536 rows."""
    import xlrd

    # xlrd holds the whole file: read at most MAX_XLS_BYTES of it, never all of a large one
    contents = stream.read(MAX_XLS_BYTES + 1)
    if len(contents) > MAX_XLS_BYTES:
        raise StatementParseError(
            "the XLS workbook is over {limit} MB: save it as XLSX or CSV",
            limit=MAX_XLS_BYTES // (1024 * 1024),
        )
    try:
        book = xlrd.open_workbook(file_contents=contents, on_demand=True)
        worksheet = book.sheet_by_index(sheet)
    except Exception as error:  # XLRDError, CompDocError, struct.error, IndexError…
        raise StatementParseError(
            "not a readable XLS workbook: {error_type}: {problem}",
            error_type=type(error).__name__,
            problem=str(error),
        ) from error
    del contents
    total = 0
    for number in range(worksheet.nrows):
        try:
            cells = [_xls_cell(cell, book.datemode) for cell in worksheet.row(number)]
        except Exception as error:  # a date cell no calendar holds (XLDateError, OverflowError)
            raise StatementParseError(
                "unreadable cell: {error_type}: {problem}",
                line=number + 1,
                error_type=type(error).__name__,
                problem=str(error),
            ) from error
        total += len(cells)
        _check_size(number + 1, len(cells), total)
        yield number + 1, cells


def html_rows(stream: BinaryIO, encoding: str | None) -> Iterator[Row]:
    """Rows of the table(s) in an HTML export (banks' `.xls` that are web pages)."""
    from lxml import etree

    events = etree.iterparse(
        stream, events=("end",), tag="tr", html=True, no_network=True, encoding=encoding
    )
    line = 0
    while True:
        try:
            _, row = next(events, (None, None))
        except etree.LxmlError as error:  # e.g. bytes the encoding cannot decode
            # a decoding failure reports line 1: the last row read is nearer the bad bytes
            where = max(getattr(error, "lineno", None) or 0, line, 1)
            raise StatementParseError(
                "not a readable HTML table: {problem}", line=where, problem=str(error)
            ) from error
        if row is None:
            return
        line = row.sourceline or 0
        cells = [" ".join(cell.itertext()) for cell in row if cell.tag in ("td", "th")]
        yield line, cells
        row.clear(keep_tail=False)


def _check_zip(stream: BinaryIO) -> None:
    """Refuse an XLSX whose members inflate beyond the bounds, before openpyxl inflates them.

    The sizes are the zip directory's; a member larger than it declares is not read past
    its declared size (zipfile stops there and fails on the CRC), so the bound holds.
    """
    import zipfile

    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise StatementParseError(
            "not a readable XLSX workbook: {problem}", problem=str(error)
        ) from error
    finally:
        stream.seek(0)
    if len(members) > MAX_ZIP_MEMBERS:
        raise StatementParseError(
            "the workbook has over {limit} parts: not an export", limit=MAX_ZIP_MEMBERS
        )
    total = sum(member.file_size for member in members)
    if total > MAX_INFLATED_BYTES:
        raise StatementParseError(
            "the workbook inflates to over {limit} MB", limit=MAX_INFLATED_BYTES // (1024 * 1024)
        )
    for member in members:
        if member.filename.lower().endswith("sharedstrings.xml") and (
            member.file_size > MAX_SHARED_STRINGS_BYTES
        ):
            raise StatementParseError(
                "the workbook's shared strings inflate to over {limit} MB",
                limit=MAX_SHARED_STRINGS_BYTES // (1024 * 1024),
            )


def _check_size(rows: int, width: int, cells: int) -> None:
    """Refuse a sheet beyond the bounds of rows, cells in a row, and cells in all."""
    if rows > MAX_SHEET_ROWS:
        raise StatementParseError(
            "the sheet has over {limit} rows", line=rows, limit=f"{MAX_SHEET_ROWS:,}"
        )
    if width > MAX_ROW_CELLS:
        raise StatementParseError(
            "a row has over {limit} cells: not a bank export", line=rows, limit=f"{MAX_ROW_CELLS:,}"
        )
    if cells > MAX_SHEET_CELLS:
        raise StatementParseError(
            "the sheet has over {limit} cells", line=rows, limit=f"{MAX_SHEET_CELLS:,}"
        )


def _seekable(stream: BinaryIO) -> BinaryIO:
    if getattr(stream, "seekable", lambda: False)():
        stream.seek(0)
        return stream
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT)  # noqa: SIM115 - returned
    shutil.copyfileobj(stream, spool)
    spool.seek(0)
    return spool


def _excel_cell(value) -> Cell:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return decimal_from_float(value)
    if isinstance(value, datetime | date | str) or value is None:
        return value
    return str(value)


def _xls_cell(cell, datemode: int) -> Cell:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return decimal_from_float(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return str(cell.value)
