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


class CellProblem(ValueError):
    """A cell that does not read as its column's kind, said as a literal English template
    with named facts (`"'{value}' is not a date"`, `value=…`), so that the parse error that
    wraps it passes it on as a fact and the pages say it in the reader's language."""

    def __init__(self, message: str, **facts) -> None:
        self.template = message
        self.facts = facts
        self.message = message.format_map(facts)
        super().__init__(self.message)


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


def parse_amount(cell: Cell, decimal_comma: bool = False) -> Decimal | None:
    """Parse a money cell; None when empty or a placeholder; ValueError when not a number.

    `decimal_comma`: the column writes `1.234,56` (decided from the whole column, see
    `decimal_mark`). Currency symbols and codes (`¥`, `$`, `CNY 693.75`, `579,68 USD`),
    parentheses (`(1,234.56)`), a trailing minus and `CR`/`DR` suffixes are understood.
    """
    if cell.__class__ is str and not decimal_comma:
        text = cell.strip(_STRIP)
        if not text:
            return None
        if _PLAIN_NUMBER.fullmatch(text):
            return Decimal(text)
        if _GROUPED_NUMBER.fullmatch(text):
            return Decimal(text.replace(",", ""))
    return _parse_amount(cell, decimal_comma)


_AMOUNT_DECORATION = re.compile(
    r"^(?P<lead>[+-]?)\s*(?:[A-Z]{3}\s*|[¥￥$€£])?\s*(?P<body>.*?)\s*"
    r"(?:\s*(?:[A-Z]{3}|元))?\s*(?P<suffix>CR|DR|Cr|Dr|cr|dr|-)?$"
)
_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")


def _parse_amount(cell: Cell, decimal_comma: bool = False) -> Decimal | None:
    if isinstance(cell, Decimal):
        return cell
    original = clean_text(cell)
    text = original.replace("\u2212", "-")
    if text in PLACEHOLDERS:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    match = _AMOUNT_DECORATION.fullmatch(text)
    if match is None:  # pragma: no cover - the pattern matches any text
        raise CellProblem("'{value}' is not an amount", value=original)
    body = match["body"].replace(" ", "").replace("\xa0", "")
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1]
    sign = match["lead"]
    if body[:1] in "+-" and body[:1] and not sign:
        sign, body = body[0], body[1:]
    suffix = (match["suffix"] or "").upper()
    if decimal_comma:
        if not _COMMA_DECIMAL.fullmatch(body):
            raise CellProblem("'{value}' is not an amount (decimal comma)", value=original)
        body = body.replace(".", "").replace(",", ".")
    elif _GROUPED_NUMBER.fullmatch(body):
        body = body.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(body):
        raise CellProblem("'{value}' is not an amount", value=original)
    value = Decimal(body)
    if sign == "-" or negative or suffix in ("DR", "-"):
        value = -abs(value)
    return value


def decimal_mark(text: str) -> str | None:
    """What one amount says of its column's decimal mark: ".", "," or None (cannot tell)."""
    digits = text.strip(_STRIP)
    if "," in digits and "." in digits:
        return "," if digits.rfind(",") > digits.rfind(".") else "."
    if re.search(r"\d,\d{1,2}(?!\d)", digits) and not re.search(r"\d,\d{3}", digits):
        return ","
    if re.search(r"\d\.\d{1,2}(?!\d)", digits) and not re.search(r"\d\.\d{3}", digits):
        return "."
    if re.search(r"\d\.\d{4,}", digits) or re.search(r"\d,\d{3}\d", digits):
        return "."  # 0.12345 or 1,2345 (a mangled group) only read one way
    return None


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


def parse_date(
    cell: Cell, formats: tuple[str, ...] = (), order: str | None = None
) -> tuple[date, time | None]:
    """Parse a date cell, with its time when the cell carries one; ValueError otherwise.

    `order` (`dmy`, `mdy`) reads `NN/NN/YYYY`, `NN.NN.YY` dates as the column was found to
    write them (see `date_orders`); without it only a date that can be read one way is.
    """
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
    return _parse_date(cell, formats, order)


_DAY_MONTH = re.compile(
    r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T-]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\S*)?"
)
_NAMED_MONTH = re.compile(
    r"(\d{1,2})[ -]([A-Za-zä]{3})[A-Za-z]*\.?[ ,-]*(\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTHS.update({"mrt": 3, "mei": 5, "okt": 10, "mär": 3, "mai": 5, "dez": 12})
DATE_ORDERS = ("dmy", "mdy")


def full_year(year: str) -> int:
    """A two-digit year is of this century (bank exports do not reach back to 19xx)."""
    return int(year) if len(year) == 4 else 2000 + int(year)


def date_orders(cell: Cell) -> frozenset[str] | None:
    """The orders a `NN/NN/YYYY` date may be read in (`dmy`, `mdy`); None for other shapes."""
    if not isinstance(cell, str):
        return None
    match = _DAY_MONTH.fullmatch(clean_text(cell))
    if not match:
        return None
    first, second, year = int(match[1]), int(match[2]), full_year(match[3])
    possible = set()
    for order, (day, month) in (("dmy", (first, second)), ("mdy", (second, first))):
        try:
            date(year, month, day)
        except ValueError:
            continue
        possible.add(order)
    return frozenset(possible)


def _parse_date(
    cell: Cell, formats: tuple[str, ...] = (), order: str | None = None
) -> tuple[date, time | None]:
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
    if match:
        year, month, day, hour, minute, second = match.groups()
        day_value = date(int(year), int(month), int(day))
    elif match := _DAY_MONTH.fullmatch(text):
        first, second_part, year, hour, minute, second = match.groups()
        if order is None:
            possible = date_orders(text) or frozenset()
            if len(possible) > 1:
                raise CellProblem(
                    "'{value}' may be day/month or month/day: the column does not say which",
                    value=text,
                )
            if not possible:
                raise CellProblem("'{value}' is not a date", value=text)
            order = next(iter(possible))
        day_part, month_part = (first, second_part) if order == "dmy" else (second_part, first)
        try:
            day_value = date(full_year(year), int(month_part), int(day_part))
        except ValueError as error:
            if order == "dmy":
                raise CellProblem(
                    "'{value}' is not a date read as day/month/year", value=text
                ) from error
            raise CellProblem(
                "'{value}' is not a date read as month/day/year", value=text
            ) from error
    elif (match := _NAMED_MONTH.fullmatch(text)) and match[2].lower() in _MONTHS:
        day_text, month_name, year, hour, minute, second = match.groups()
        day_value = date(full_year(year), _MONTHS[month_name.lower()], int(day_text))
    else:
        raise CellProblem("'{value}' is not a date", value=text)
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
        raise CellProblem("'{value}' is not a time", value=text)
    hour, minute, second = match.groups()
    try:
        return time(int(hour), int(minute), int(second or 0))
    except ValueError:
        raise CellProblem("'{value}' is not a time of day", value=text) from None


def currency_code(text: str | None, default: str) -> str:
    """Map 人民币/RMB/CNY and friends to ISO codes."""
    if not text:
        return default
    return CURRENCY_NAMES.get(text, text.upper() if text.isascii() else default)


def _number_as_text(number: Decimal) -> str:
    if number == number.to_integral_value() and abs(number) < Decimal(10) ** 15:
        return str(number.quantize(Decimal(1)))
    return str(number)


#: symbols an amount may carry, and the currency each names (¥ and 元: the yuan; `$` alone
#: is the US dollar, other dollars write their prefix: HK$, S$)
_SYMBOL_CURRENCIES = {
    "US$": "USD",
    "HK$": "HKD",
    "S$": "SGD",
    "SG$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "NT$": "TWD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",
    "￥": "CNY",
    "元": "CNY",
}
_STATED_CURRENCY = re.compile(
    r"^[+-]?\s*\(?\s*(?P<lead>[A-Z]{3}|[A-Z]{0,2}\$|[€£¥￥])?\s*[+-]?\s*\(?[\d.,' \xa0]*\d"
    r"[\d.,' \xa0]*\)?\s*(?P<trail>[A-Z]{3}|元|€)?\s*(?:CR|DR|Cr|Dr|cr|dr|-)?$"
)
#: ISO 4217 codes a cell may hold alone in the rows above the header
ISO_CURRENCIES = frozenset(
    [
        "CNY",
        "USD",
        "EUR",
        "GBP",
        "HKD",
        "SGD",
        "JPY",
        "AUD",
        "CAD",
        "CHF",
        "NZD",
        "MOP",
        "TWD",
        "KRW",
        "THB",
        "MYR",
        "IDR",
        "PHP",
        "VND",
        "INR",
        "RUB",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "AED",
        "SAR",
        "ZAR",
        "BRL",
        "MXN",
        "TRY",
    ]
)
_CURRENCY_LABELS = ("currency", "ccy", "币种", "币别", "货币", "交易币种", "记账币种", "währung",
                    "waehrung", "valuta", "devise", "moneda")  # fmt: skip


def amount_currency(cell: Cell) -> str | None:
    """The currency an amount cell states (`579,68 USD`, `-$7,971.39`, `¥12.00`); None when
    it states none."""
    if cell.__class__ is not str:
        return None
    text = cell.strip(_STRIP)
    if not text or (text[0].isdigit() and text[-1].isdigit()):
        return None
    match = _STATED_CURRENCY.fullmatch(text)
    if match is None:
        return None
    mark = match["lead"] or match["trail"]
    if not mark:
        return None
    if mark in _SYMBOL_CURRENCIES:
        return _SYMBOL_CURRENCIES[mark]
    return mark if mark in ISO_CURRENCIES else None


def metadata_currency(rows) -> str | None:
    """The currency the rows above a header state: a label (`Currency: SGD`, `币种：人民币`)
    with the code beside it, or a cell holding only an ISO code. None when none or several."""
    found = set()
    for _, cells in rows:
        texts = [clean_text(cell) if cell.__class__ is str else "" for cell in cells]
        for position, text in enumerate(texts):
            if not text:
                continue
            if text.upper() in ISO_CURRENCIES:
                found.add(text.upper())
                continue
            label, colon, rest = text.replace("：", ":").partition(":")
            if label.strip().lower() not in _CURRENCY_LABELS:
                continue
            value = (
                rest.strip()
                if colon and rest.strip()
                else next((t for t in texts[position + 1 :] if t), "")
            )
            code = CURRENCY_NAMES.get(value, value.upper())
            if code in ISO_CURRENCIES:
                found.add(code)
    return found.pop() if len(found) == 1 else None
