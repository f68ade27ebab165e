"""SWIFT MT940 (and MT942) statements, read with the `mt-940` package.

The file is split into statements at each `:20:` and every statement is parsed on its own,
so memory holds one statement at a time. The text is decoded here (UTF-8 or GB18030; the
package would fall back to cp852 and garble Chinese narratives). All of the package's
correctness options are on: a reversal of a credit (RC) is a debit, the `:86:` narrative
is never truncated, the BOM never hides the first `:20:`.
"""

from __future__ import annotations

import calendar
import io
import logging
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import BinaryIO

import mt940

from importers.base import Statement, StatementLine, StatementParseError
from importers.text import detect_encoding, seekable

_OPTIONS = mt940.Options.all()
# the package logs every tag it cannot match at ERROR level; we raise instead
logging.getLogger("mt940").addHandler(logging.NullHandler())
_TAG = re.compile(r"^\s*:(\d{2}[A-Z]?|NS):", re.MULTILINE)
_STATEMENT_START = re.compile(r"^\s*:20:")
_TRANSACTION_START = re.compile(r"^\s*:61:")
_STATEMENT_KEYS = {
    "account_identification",
    "final_opening_balance",
    "intermediate_opening_balance",
    "opening_balance",
    "final_closing_balance",
    "intermediate_closing_balance",
    "closing_balance",
    "available_balance",
    "forward_available_balance",
}
#: the package's names for the balance tags, in order of preference
_OPENING_TAGS = {
    "final_opening_balance": ":60F:",
    "intermediate_opening_balance": ":60M:",
    "opening_balance": ":60:",
}
_CLOSING_TAGS = {
    "final_closing_balance": ":62F:",
    "intermediate_closing_balance": ":62M:",
    "closing_balance": ":62:",
}
#: what follows an amount cut short by mt-940: more of its digits
_AMOUNT_RUNS_ON = re.compile(r"[\d,]")
MAX_FIELD_CHARS = 16 * 1024  #: a tag with its continuation lines; `:86:` is 390 in SWIFT
_PARSE_ERRORS = (RuntimeError, ValueError, ArithmeticError, KeyError, TypeError, AttributeError)
#: a balance tag: its date (YYMMDD) after the debit/credit mark
_BALANCE_DATE = re.compile(r"^(\s*:6[02][FM]?:[CD])(\d{2})(\d{2})(\d{2})", re.MULTILINE)
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")


class _LenientStatement(mt940.tags.Statement):
    """`:61:` as the ING, SNS and Rabobank dialects write it: the customer-reference
    slot holds the counterparty's account (an IBAN of up to 34 characters), past the 16
    characters SWIFT allows. Used only when the strict reading fails."""

    pattern = mt940.tags.Statement.pattern.replace("[^\\n]){0,16}", "[^\\n]){0,34}")


class Mt940Importer:
    """Read MT940/MT942 files; one Statement per `:20:` block."""

    format = "mt940"

    def identify(self, head: bytes) -> bool:
        """Tell whether the head of a file holds MT940 tags."""
        text = head[:8192].decode("latin-1")
        return re.search(r"^\s*:(20|25|28C?|60[FM]):", text, re.MULTILINE) is not None

    def parse(self, stream: BinaryIO) -> Iterator[Statement]:
        """Yield one Statement per statement block; reject the file on any bad block."""
        with seekable(stream) as source:
            encoding = detect_encoding(source)
            text = io.TextIOWrapper(source, encoding=encoding, newline=None)
            try:
                found = yield from _statements(text)
            finally:
                text.detach()  # the caller's stream stays open
        if not found:
            raise StatementParseError("no MT940 statement found in the file")


def _statements(text: io.TextIOWrapper):
    found = False
    for start, block in _blocks(text):
        statement = _statement(start, block)
        if statement is not None:
            found = True
            yield statement
    return found


def _blocks(text: io.TextIOWrapper) -> Iterator[tuple[int, list[str]]]:
    """Split the file at each `:20:` line, keeping each block's first line number.

    A field (a tag and its continuation lines) over MAX_FIELD_CHARS is refused: SWIFT
    allows `:86:` 6 × 65 characters, and a 2 MB one would be parsed by regular
    expressions and stored; a NUL anywhere means binary data, not a statement.
    """
    block: list[str] = []
    start = field = 1
    size = 0
    for number, line in enumerate(text, start=1):
        if "\x00" in line:
            raise StatementParseError("binary data (a NUL byte), not an MT940 file", line=number)
        size = len(line) if _TAG.match(line) else size + len(line)
        field = number if _TAG.match(line) else field
        if size > MAX_FIELD_CHARS:
            raise StatementParseError(
                "a field is over {limit} characters: not a bank statement",
                line=field,
                limit=f"{MAX_FIELD_CHARS:,}",
            )
        if _STATEMENT_START.match(line) and block:
            yield start, block
            block, start = [], number
        block.append(line.removeprefix("\ufeff"))
    if block:
        yield start, block


def _statement(start: int, block: list[str]) -> Statement | None:
    data = "".join(block)
    if not _TAG.search(data):
        return None  # bank headers before the first :20:, or trailers
    data, notes = _valid_balance_dates(data)
    try:
        parsed = _parsed(data)
    except _PARSE_ERRORS as error:
        raise _unreadable(error, _line_of(error, start, block)) from error
    if not (parsed.transactions or _STATEMENT_KEYS & parsed.data.keys()):
        return None  # e.g. a lone :86: or :NS: with nothing a statement is made of
    lines = _statement_lines(parsed, start, block)
    opening = _balance(parsed.data, _OPENING_TAGS)
    closing = _balance(parsed.data, _CLOSING_TAGS)
    booked = [line.booked_on for line in lines]
    return Statement(
        account=parsed.data.get("account_identification"),
        currency=parsed.currency or (lines[0].currency if lines else None),
        lines=iter(lines),
        opening_balance=opening.amount.amount if opening else None,
        closing_balance=closing.amount.amount if closing else None,
        period_start=_as_date(opening.date) if opening else min(booked, default=None),
        period_end=_as_date(closing.date) if closing else max(booked, default=None),
        extra={**_statement_extra(parsed.data), "warnings": notes},
    )


def _parsed(data: str):
    """Parse a statement strictly; when a `:61:` does not fit, in the lenient dialect."""
    try:
        parsed = mt940.models.Transactions(options=_OPTIONS)
        parsed.parse(data)
    except RuntimeError as error:
        if len(error.args) != 3 or getattr(error.args[1], "id", None) != 61:
            raise
        parsed = mt940.models.Transactions(tags={61: _LenientStatement()}, options=_OPTIONS)
        parsed.parse(data)
    return parsed


def _valid_balance_dates(data: str) -> tuple[str, list[dict]]:
    """A balance dated on a day its month lacks (`021131`, 31 November, seen in German
    samples) is dated on the month's last day, and a warning says so; its amount stands.
    A :61: line on such a day is still refused: that date is the line's booking date."""
    notes: list[dict] = []

    def fixed(match: re.Match) -> str:
        year, month, day = (int(match[i]) for i in (2, 3, 4))
        if not 1 <= month <= 12 or day < 1:
            return match[0]  # not a date at all: the package refuses it, naming the tag
        last = calendar.monthrange(2000 + year, month)[1]
        if day <= last:
            return match[0]
        notes.append(
            {
                "kind": "balance_date_corrected",
                "message": f"{match[1].strip()} is dated {match[2]}{match[3]}{match[4]}, a day "
                f"the month does not have: read as {match[2]}{match[3]}{last:02d}",
            }
        )
        return f"{match[1]}{match[2]}{match[3]}{last:02d}"

    return _BALANCE_DATE.sub(fixed, data), notes


def _statement_lines(parsed, start: int, block: list[str]) -> list[StatementLine]:
    starts = [start + i for i, line in enumerate(block) if _TRANSACTION_START.match(line)]
    if len(starts) != len(parsed.transactions):
        raise StatementParseError(
            "{transactions} transactions read from {tag_lines} :61: lines",
            line=start,
            transactions=len(parsed.transactions),
            tag_lines=len(starts),
        )
    ends = [*starts[1:], start + len(block)][: len(starts)]
    return [
        _statement_line(txn.data, first, "".join(block[first - start : end - start]).strip())
        for txn, first, end in zip(parsed.transactions, starts, ends, strict=True)
    ]


def _statement_line(data: dict, line: int, raw: str) -> StatementLine:
    amount = data.get("amount")
    if amount is None or data.get("date") is None:
        raise StatementParseError(":61: has no amount or date", line=line, field=":61:")
    if data.get("id") is None and _AMOUNT_RUNS_ON.match(data.get("customer_reference") or ""):
        # mt-940 reads at most 15 characters of amount and puts the rest in the reference
        raise StatementParseError(
            ":61: amount is longer than the 15 characters MT940 allows", line=line, field=":61:"
        )
    value_date = _as_date(data["date"])
    account = _clean(data.get("applicant_iban"))
    reference = _clean(data.get("customer_reference")) or ""
    if account is None and _IBAN.fullmatch(reference.replace(" ", "")):
        account = reference.replace(" ", "")  # the ING/SNS/Rabobank contra account
    return StatementLine(
        booked_on=_as_date(data.get("entry_date") or data["date"]),
        value_date=value_date,
        amount=Decimal(amount.amount),
        currency=amount.currency,
        bank_reference=_clean(data.get("bank_reference")),
        counterparty_name=_clean(data.get("applicant_name")),
        counterparty_account=account,
        counterparty_bank=_clean(data.get("applicant_bin")),
        remark=_remark(data),
        raw=raw,
        source_line=line,
        extra=_line_extra(data),
    )


def _remark(data: dict) -> str | None:
    """Join the narrative: the structured purpose if the bank used ?-fields, else :86:."""
    if "purpose" in data:
        parts = [data.get("posting_text"), data.get("purpose"), data.get("additional_purpose")]
    else:
        # continuation lines of :86: are a fixed-width wrap, not separate phrases
        parts = [(data.get("transaction_details") or "").replace("\n", "")]
    parts = [_clean(part) for part in parts]
    return " / ".join(part for part in parts if part) or None


def _line_extra(data: dict) -> dict:
    keys = (
        "id",
        "customer_reference",
        "extra_details",
        "transaction_code",
        "end_to_end_reference",
        "additional_position_reference",
        "status",
        "funds_code",
    )
    return {key: data[key] for key in keys if data.get(key) not in (None, "")}


def _statement_extra(data: dict) -> dict:
    extra = {
        key: data[key]
        for key in ("transaction_reference", "statement_number", "sequence_number")
        if data.get(key)
    }
    # :60M:/:62M: mark a page of a statement split over several messages
    for name, tags in (
        ("opening_balance_tag", _OPENING_TAGS),
        ("closing_balance_tag", _CLOSING_TAGS),
    ):
        tag = next((tag for key, tag in tags.items() if data.get(key) is not None), None)
        if tag:
            extra[name] = tag
    available = data.get("available_balance")
    if available is not None:
        extra["available_balance"] = available.amount.amount
    return extra


def _balance(data: dict, tags: dict[str, str]):
    return next((data[key] for key in tags if data.get(key) is not None), None)


def _as_date(value) -> date:
    return date(value.year, value.month, value.day)


def _clean(value) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _unreadable(error: Exception, line: int) -> StatementParseError:
    """The refusal of a block the mt-940 package could not read, at `line`."""
    if isinstance(error, RuntimeError) and len(error.args) == 3:
        tag, value = error.args[1], error.args[2]
        return StatementParseError(
            "cannot read :{tag}: '{value}'",
            line=line,
            tag=tag.id,
            value=(str(value).splitlines() or [""])[0],
        )
    if isinstance(error, ValueError) and ("month" in str(error) or "day" in str(error)):
        return StatementParseError(
            "a date in the statement is not a calendar date ({problem})",
            line=line,
            problem=str(error),
        )
    return StatementParseError(
        "{error_type}: {problem}", line=line, error_type=type(error).__name__, problem=str(error)
    )


def _line_of(error: Exception, start: int, block: list[str]) -> int:
    """Find the line a tag the package could not read starts on."""
    if isinstance(error, RuntimeError) and len(error.args) == 3:
        first = str(error.args[2]).splitlines()[0] if error.args[2] else ""
        for offset, line in enumerate(block):
            if first and first in line:
                return start + offset
    return start
