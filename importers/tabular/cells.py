"""Cell values of bank spreadsheet exports: cleaning, amounts, dates, times.

A cell arrives as text (CSV, HTML, text cells of Excel files) or as a typed Excel value
(`Decimal` for numbers, already converted by the reader; `datetime` for date cells).
Formula-looking text (`=...`, `+...`, `@...`) is plain data here: nothing is evaluated.

Speed: a million-row export calls these some ten million times, so the common shapes
(plain text, `1234.50`, `1,234.50`, `2024-01-05`, `2024-01-05 09:30:12`, `20240105`,
`09:30:12`) take a short path of string operations that gives exactly what the general
path below it gives; everything else falls through to the general path.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal

Cell = str | Decimal | datetime | date | None

PLACEHOLDERS = frozenset({"", "-", "--", "---", "—", "/", "null", "NULL", "N/A"})
_STRIP = " \t\r\n\u3000\xa0\ufeff"
_CURRENCY_MARKS = str.maketrans("", "", "¥￥$€£元 ")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_MANGLED = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\s*(\d{1,2}):?(\d{2}):?(\d{2})?)?")
_SEPARATED_DATE = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\S*)?"
)
_TIME = re.compile(r"(\d{1,2}):?(\d{2}):?(\d{2})?")
_CENT = Decimal("0.01")

CURRENCY_NAMES = {
    "人民币": "CNY",
    "RMB": "CNY",
    "美元": "USD",
    "港币": "HKD",
    "港元": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
}


def clean_text(cell: Cell) -> str:
    """Strip padding, tabs and the leading apostrophe Excel uses to force text."""
    if cell.__class__ is str:
        text = cell.strip(_STRIP)
        return text[1:].strip(_STRIP) if text[:1] == "'" else text
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return _number_as_text(cell)
    if isinstance(cell, datetime | date):
        return cell.isoformat(sep=" ") if isinstance(cell, datetime) else cell.isoformat()
    text = cell.strip(_STRIP)
    if text.startswith("'"):
        text = text[1:].strip(_STRIP)
    return text


def is_blank(cells: list[Cell]) -> bool:
    """Tell a row whose every cell is empty once cleaned."""
    try:
        joined = "".join(cells)  # type: ignore[arg-type]
    except TypeError:  # typed Excel values
        return not any(clean_text(cell) for cell in cells)
    if "'" in joined:
        return not any(clean_text(cell) for cell in cells)
    return not joined.strip(_STRIP)


def text_value(cell: Cell) -> str | None:
    """Give a text field's value, None for empty cells and placeholders like `--`."""
    if cell.__class__ is str:
        text = cell.strip(_STRIP)
        if text[:1] == "'":
            text = text[1:].strip(_STRIP)
    else:
        text = clean_text(cell)
    # strip("-*") leaves nothing exactly when every character is a dash or an asterisk
    if not text.strip("-*") or text in PLACEHOLDERS:
        return None
    return text


def first_text(cells: list[Cell], indexes) -> str | None:
    """The `text_value` of the first of `cells[i]`, i in `indexes`, that has one.

    The rules of `text_value`, written out for text cells: this runs for every text
    field of every row.
    """
    for index in indexes:
        cell = cells[index]
        if cell.__class__ is str:
            text = cell.strip(_STRIP)
            if text[:1] == "'":
                text = text[1:].strip(_STRIP)
            if text.strip("-*") and text not in PLACEHOLDERS:
                return text
        elif value := text_value(cell):
            return value
    return None


def is_mangled_number(text: str) -> bool:
    """Tell an account number Excel turned into scientific notation (digits lost)."""
    return ("E" in text or "e" in text) and _MANGLED.fullmatch(text) is not None


def parse_amount(cell: Cell) -> Decimal | None:
    """Parse a money cell; None when empty or a placeholder; ValueError when not a number."""
    if cell.__class__ is str:
        text = cell.strip(_STRIP)
        if not text:
            return None
        if _PLAIN_NUMBER.fullmatch(text):
            return Decimal(text)
        if _GROUPED_NUMBER.fullmatch(text):
            return Decimal(text.replace(",", ""))
    return _parse_amount(cell)


def _parse_amount(cell: Cell) -> Decimal | None:
    if isinstance(cell, Decimal):
        return cell
    text = clean_text(cell).translate(_CURRENCY_MARKS)
    if text in PLACEHOLDERS:
        return None
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if _GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError(f"{clean_text(cell)!r} is not an amount")
    value = Decimal(text)
    return -value if negative else value


def decimal_from_float(number: float | int) -> Decimal:
    """Turn an Excel number into Decimal via its shortest repr, dropping float noise.

    Excel stores 9.9 as the binary double nearest to 9.9; repr() gives back "9.9". A value
    that is a cent amount plus binary noise (0.30000000000000004) is rounded to the cent;
    a genuine extra digit (a rate like 0.125) is kept.
    """
    if isinstance(number, int):
        return Decimal(number)
    value = Decimal(repr(number))
    cents = value.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    return cents if abs(value - cents) < Decimal("1e-9") else value


def parse_date(cell: Cell, formats: tuple[str, ...] = ()) -> tuple[date, time | None]:
    """Parse a date cell, with its time when the cell carries one; ValueError otherwise."""
    if cell.__class__ is str and not formats:
        text = cell.strip(_STRIP)
        size = len(text)
        if size == 10 and text[4] in "-/." and text[7] in "-/.":
            if (text[:4] + text[5:7] + text[8:]).isdecimal():
                return date(int(text[:4]), int(text[5:7]), int(text[8:])), None
        elif size == 19 and text[4] in "-/." and text[7] in "-/." and text[10] in " T":
            digits = text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:]
            if text[13] == text[16] == ":" and digits.isdecimal():
                day = date(int(text[:4]), int(text[5:7]), int(text[8:10]))
                return day, time(int(text[11:13]), int(text[14:16]), int(text[17:]))
        elif size == 8 and text.isdecimal():
            return date(int(text[:4]), int(text[4:6]), int(text[6:])), None
    return _parse_date(cell, formats)


def _parse_date(cell: Cell, formats: tuple[str, ...] = ()) -> tuple[date, time | None]:
    if isinstance(cell, datetime):
        return cell.date(), (cell.time() if cell.time() != time() else None)
    if isinstance(cell, date):
        return cell, None
    text = clean_text(cell)
    for pattern in formats:
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.date(), (moment.time() if "%H" in pattern else None)
    match = _SEPARATED_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a date")
    year, month, day, hour, minute, second = match.groups()
    day_value = date(int(year), int(month), int(day))
    if hour is None:
        return day_value, None
    return day_value, time(int(hour), int(minute), int(second or 0))


def parse_time(cell: Cell) -> time | None:
    """Parse a separate time cell (`12:24:20`, `123456`); None when empty."""
    if cell.__class__ is str:
        text = cell.strip(_STRIP)
        digits = text[:2] + text[3:5] + text[6:]
        if len(text) == 8 and text[2] == text[5] == ":" and digits.isdecimal() and text.isascii():
            try:
                return time.fromisoformat(text)  # HH:MM:SS, read in C
            except ValueError:
                pass  # out of range: the general path gives the reason
    return _parse_time(cell)


def _parse_time(cell: Cell) -> time | None:
    if isinstance(cell, datetime):
        return cell.time()
    text = clean_text(cell)
    if not text:
        return None
    if " " in text or "T" in text:  # a full date-time in the time column
        return _parse_date(text)[1]
    match = _TIME.fullmatch(text.zfill(6) if text.isdigit() else text)
    if not match:
        raise ValueError(f"{text!r} is not a time")
    hour, minute, second = match.groups()
    return time(int(hour), int(minute), int(second or 0))


def currency_code(text: str | None, default: str) -> str:
    """Map 人民币/RMB/CNY and friends to ISO codes."""
    if not text:
        return default
    return CURRENCY_NAMES.get(text, text.upper() if text.isascii() else default)


def _number_as_text(number: Decimal) -> str:
    if number == number.to_integral_value() and abs(number) < Decimal(10) ** 15:
        return str(number.quantize(Decimal(1)))
    return str(number)
