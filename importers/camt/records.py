"""One Stmt, Rpt or Ntfctn of a CAMT document: its header first, then its entries.

The header gives account, period and balances; the entries are read on demand, as the
statement's lines are consumed, and released once read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache

from lxml import etree

from importers.base import Statement, StatementLine
from importers.camt.document import local_name, release
from importers.camt.entries import EntryReader, collect, signed_amount, status, tries

OPENING_CODES = ("OPBD", "PRCD")
CLOSING_CODES = ("CLBD",)


class RecordReader:
    """Reads one Stmt/Rpt/Ntfctn: its header first, then its entries on demand."""

    def __init__(self, record: etree._Element, events: Iterator, index: int) -> None:
        self.record = record
        self.events = events
        self.path = f"/Document/{local_name(record.getparent())}/{local_name(record)}[{index}]"
        self.entry_index = 0
        self.statement = Statement(account=None, currency=None, lines=iter(()))
        self.statement.extra.update(pending_skipped=0, balances=[])

    def read_header(self) -> Statement:
        """Collect account, period and balances: the record's children before its entries."""
        for event, element in self.events:
            if event == "start" and element.getparent() is self.record:
                self._take_header()
                self.statement.lines = self._lines()
                return self.statement
            if event == "end" and element is self.record:
                self._take_header()
                release(element)
                return self.statement
        return self.statement

    def _take_header(self) -> None:
        for child in self.record:
            name = local_name(child)
            if name == "Ntry":
                return
            self._take_header_element(name, child)

    def _take_header_element(self, name: str, element: etree._Element) -> None:
        statement = self.statement
        if name == "Acct":
            statement.account = _account_id(element)
            statement.currency = _text(element, "Ccy") or statement.currency
            if account_name := _text(element, "Nm"):
                statement.extra["account_name"] = account_name
        elif name == "Bal":
            self._take_balance(element)
        elif name == "FrToDt":
            statement.period_start = _date_part(_text(element, "FrDtTm"))
            statement.period_end = _date_part(_text(element, "ToDtTm"))
        elif name == "Id":
            statement.extra["statement_id"] = (element.text or "").strip()
        elif name == "CreDtTm":
            statement.extra["created_on"] = _date_part(element.text)

    def _take_balance(self, element: etree._Element) -> None:
        code = _text(element, "Tp/CdOrPrtry/Cd") or _text(element, "Tp/CdOrPrtry/Prtry")
        where = f"{self.path}/Bal[{len(self.statement.extra['balances']) + 1}]"
        amount = signed_amount(_find(element, "Amt"), _text(element, "CdtDbtInd"), element, where)
        currency = _find(element, "Amt").get("Ccy")
        self.statement.extra["balances"].append(
            {"type": code, "amount": str(amount), "currency": currency}
        )
        if code in OPENING_CODES and self.statement.opening_balance is None:
            self.statement.opening_balance = amount
        elif code in CLOSING_CODES and self.statement.closing_balance is None:
            self.statement.closing_balance = amount
        self.statement.currency = self.statement.currency or currency

    def _lines(self) -> Iterator[StatementLine]:
        record = self.record
        for event, element in self.events:
            if event != "end":
                continue
            if element is record:
                release(element)
                return
            if element.getparent() is record and local_name(element) == "Ntry":
                self.entry_index += 1
                yield from self._entry_lines(element)
                release(element)

    def _entry_lines(self, entry: etree._Element) -> list[StatementLine]:
        found = collect(entry, tries(entry.tag).entry, {})
        if status(found) != "BOOK":
            self.statement.extra["pending_skipped"] += 1
            return []
        where = f"{self.path}/Ntry[{self.entry_index}]"
        return EntryReader(entry, found, where, self.statement).lines()


def _account_id(account) -> str | None:
    return (
        _text(account, "Id/IBAN")
        or _text(account, "Id/Othr/Id")
        or _text(account, "Id/PrtryAcct/Id")
    )


def _date_part(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _find(element, path: str):
    # Step by step with exact names: lxml answers simple tags in C, {*} paths in Python.
    for name in _qualified(element.tag, path) if element is not None else ():
        element = element.find(name)
        if element is None:
            return None
    return element


def _text(element, path: str) -> str | None:
    found = _find(element, path)
    return found.text.strip() if found is not None and found.text is not None else None


@cache
def _qualified(tag: str, path: str) -> tuple[str, ...]:
    """Spell a path's steps in the document's own namespace."""
    namespace = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    return tuple(namespace + step for step in path.split("/"))
