"""Our own readers of OFX fields: element values, local dates and strict amounts.

They read each block's raw text in either dialect (1.x SGML with unclosed tags, 2.x XML,
CDATA). ofxparse converts dates to UTC, moving a 07:30 +8 deposit to the day before, and
reads `1,234` as 1.234 and `null` as 0; these readers do neither.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from decimal import Decimal

from importers.base import StatementParseError

_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?")
_AMOUNT_FORMS = (
    (re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"), lambda s: s),
    (re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?"), lambda s: s.replace(",", "")),
    (re.compile(r"[+-]?\d+,\d{1,2}"), lambda s: s.replace(",", ".")),
    (
        re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?"),
        lambda s: s.replace(".", "").replace(",", "."),
    ),
)


def destination(text: str, tag: str) -> str | None:
    """Read a field of the debit's destination account (BANKACCTTO or CCACCTTO)."""
    account = aggregate(text, "BANKACCTTO") or aggregate(text, "CCACCTTO")
    return element(account, tag) if account else None


def aggregate(text: str, tag: str) -> str | None:
    """Read the inside of an aggregate such as `<CURRENCY>…</CURRENCY>`."""
    match = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.IGNORECASE | re.DOTALL)
    return match.group(1) if match else None


def element(text: str, tag: str) -> str | None:
    """Read an element's value in either dialect: up to the next tag, CDATA allowed."""
    match = re.search(
        rf"<{tag}>\s*(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))", text, re.IGNORECASE | re.DOTALL
    )
    if match is None:
        return None
    value = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
    return value.strip() or None


def empty_element(text: str, tag: str) -> int | None:
    """Give where an element with no value starts in `text`, or None."""
    match = re.search(rf"<{tag}>\s*(?=<)", text, re.IGNORECASE)
    return match.start() if match else None


def local_date(raw: str, line: int, tag: str) -> tuple[date | None, datetime | None]:
    """Read the bank's local date (and time) of an OFX datetime, ignoring its UTC offset."""
    match = _DATE.match(raw)
    if raw.startswith("00000000") and tag in ("DTSTART", "DTEND"):
        return None, None
    try:
        if match is None:
            raise ValueError(raw)
        year, month, day, hour, minute, second = match.groups()
        booked_on = date(int(year), int(month), int(day))
        if hour is None:
            return booked_on, None
        return booked_on, datetime(
            booked_on.year, booked_on.month, booked_on.day, int(hour), int(minute), int(second or 0)
        )
    except ValueError:
        raise StatementParseError(
            "{tag} '{value}' is not a date", line=line, field=tag, tag=tag, value=raw
        ) from None


def parse_amount(raw: str | None, line: int, tag: str) -> Decimal:
    """Parse an OFX amount: `1234.5`, `1,234.50`, `1234,50`, `1.234,50`; nothing looser."""
    text = re.sub(r"\s", "", raw or "")
    for pattern, normalise in _AMOUNT_FORMS:
        if pattern.fullmatch(text):
            return Decimal(normalise(text))
    raise StatementParseError(
        "{tag} '{value}' is not an amount", line=line, field=tag, tag=tag, value=raw or ""
    )
