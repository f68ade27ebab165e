"""The normalised statement every importer yields, and the importer interface.

Importers are pure parsers: bytes in, `Statement` objects out, no database.
Statements stream: `Statement.lines` is an iterator, consumed once, so a file of a
million lines never has to sit in memory. Fields that a format only states after its
lines (a CSV's last balance, an MT940 closing balance) are complete once `lines` is
exhausted; read them after the loop, never before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO, Protocol


class StatementParseError(ValueError):
    """A file that cannot be read as a statement: names where and why.

    `line` is the 1-based line (or row) number in the file, `path` an XML path for
    XML formats, `field` the field that failed. The import use case adds the file name.
    `reason` is a literal English template filled from `facts` (`"no column {column}"`,
    `column=…`), as the domain's errors are, so the pages can say it in Chinese.
    """

    def __init__(
        self,
        reason: str,
        *,
        line: int | None = None,
        path: str | None = None,
        field: str | None = None,
        filename: str | None = None,
        **facts,
    ) -> None:
        self.template = reason
        self.facts = facts
        try:
            self.reason = reason.format_map(facts) if facts else reason
        except (KeyError, ValueError, IndexError):
            self.reason = reason
        self.line = line
        self.path = path
        self.field = field
        self.filename = filename
        super().__init__(str(self))

    def where(self) -> str:
        parts = []
        if self.filename:
            parts.append(self.filename)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.path:
            parts.append(self.path)
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.reason}" if where else self.reason

    def as_dict(self) -> dict:
        return {
            "file": self.filename,
            "line": self.line,
            "path": self.path,
            "field": self.field,
            "reason": self.reason,
        }


class UnknownLayout(StatementParseError):
    """A tabular file whose header row the importer cannot find or read.

    `layout` is structured data for a mapping step: `rows` (the rows looked at, each
    `{"line": n, "cells": [...]}`) and `columns` (per column index its header text if one
    was seen, the importer's best guess of what it holds, and a few example values).
    """

    def __init__(self, reason: str, layout: dict, **where_and_facts) -> None:
        super().__init__(reason, **where_and_facts)
        self.layout = layout

    def as_dict(self) -> dict:
        return {**super().as_dict(), "code": "unknown_layout", "layout": self.layout}


@dataclass(slots=True, frozen=True)
class StatementLine:
    """One credit (amount > 0) or debit (amount < 0) on the account's statement."""

    booked_on: date  #: booking date, in the bank's local time (Asia/Shanghai for CN banks)
    amount: Decimal  #: signed, as the file states it; never a float
    currency: str
    value_date: date | None = None
    booked_at: datetime | None = None  #: booking time where the file gives one (naive, local)
    #: the bank's own id of the line (FITID, AcctSvcrRef, 交易流水号)
    bank_reference: str | None = None
    counterparty_name: str | None = None  #: payer of a credit, payee of a debit
    counterparty_account: str | None = None
    counterparty_bank: str | None = None
    remark: str | None = None  #: 附言/摘要/用途/MEMO/Ustrd, joined with " / " when several
    sub_account: str | None = None  #: the virtual sub-account the payer addressed, where carried
    raw: str = ""  #: the line as it stood in the file (row text, XML fragment, :61:+:86:)
    source_line: int | None = None  #: 1-based line number in the file, where meaningful
    extra: dict = field(default_factory=dict, compare=False)  #: format-specific leftovers

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(slots=True)
class Statement:
    """One statement of one account; a file may hold several."""

    account: str | None  #: the collection account number as the file states it
    currency: str | None
    lines: Iterator[StatementLine]
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None  #: may be set only once `lines` is exhausted
    period_start: date | None = None
    period_end: date | None = None  #: may be set only once `lines` is exhausted
    extra: dict = field(default_factory=dict)


class Importer(Protocol):
    """What every format's importer offers."""

    #: the format name used on the CLI and in the API: "ofx", "camt053", "mt940", "csv"
    format: str

    def identify(self, head: bytes) -> bool:
        """Tell from the first bytes of a file whether this importer reads it."""

    def parse(self, stream: BinaryIO) -> Iterator[Statement]:
        """Yield the file's statements; raise StatementParseError for anything unreadable.

        Each statement's lines must be consumed before the next statement is taken.
        """
