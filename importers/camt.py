"""ISO 20022 bank-to-customer statements (CAMT.053, and 052/054), streamed with lxml.

Security: the parser never loads a DTD, resolves entities or touches the network, and a
document that carries any DOCTYPE is refused at its first event, before any content is
used; input beyond `max_bytes` is refused while reading.

Sign: an entry's amount is signed by its own `CdtDbtInd` (DBIT negative): that is its
effect on the balance, so opening + lines = closing holds. `RvslInd` true does not flip
that sign. ISO 20022 defines a reversal as carrying the direction opposite to the entry
it cancels (a DBIT reversal takes back an earlier credit), so the CdtDbtInd already gives
the money's direction. The line is marked `extra["reversal"] = True` so matching can treat
a returned credit as a correction and not as a payout.

Batches: an entry with several `TxDtls` becomes one line per detail only when every
detail states an amount in the entry's currency and the details add up to the entry. In
every other case it stays one line for the entry, because the account was booked with
the entry amount. `extra["batch_not_split"]` then gives the reason.

Raw: a line's `raw` is the XML of its Ntry (of its TxDtls when a batch is split), in
characters as written (张三, not &#24352;&#19977;), without the blank text between tags,
cut at 4,000 characters. Reading the entries is in `camt_entries`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import BinaryIO

from lxml import etree

from importers.base import Statement, StatementLine, StatementParseError
from importers.camt_entries import EntryReader, collect, signed_amount, status, tries

DEFAULT_MAX_BYTES = 1 << 30  #: 1 GiB: far above a year of a busy account's entries
RECORD_TAGS = frozenset({"Stmt", "Rpt", "Ntfctn"})
OPENING_CODES = ("OPBD", "PRCD")
CLOSING_CODES = ("CLBD",)
_FILTER = tuple(f"{{*}}{tag}" for tag in ("Document", "Ntry", *RECORD_TAGS))


class CamtImporter:
    """Read CAMT.052/053/054 files of any version, one Statement per Stmt/Rpt/Ntfctn."""

    format = "camt053"

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def identify(self, head: bytes) -> bool:
        """Tell a CAMT document by its ISO 20022 camt namespace near the top."""
        return b"urn:iso:std:iso:20022:tech:xsd:camt.05" in head[:8192]

    def parse(self, stream: BinaryIO) -> Iterator[Statement]:
        """Yield one Statement per record; lines stream entry by entry."""
        events = _guarded_events(_LimitedReader(stream, self.max_bytes))
        found = 0
        for event, element in events:
            if event == "start" and _local(element) in RECORD_TAGS:
                found += 1
                reader = _RecordReader(element, events, found)
                statement = reader.read_header()
                yield statement
                for _ in statement.lines:  # drain what the caller left unread
                    pass
        if not found:
            raise StatementParseError(
                "the document holds no statement (no Stmt, Rpt or Ntfctn)",
                path="/Document",
            )


class _LimitedReader:
    """A file-like view that refuses to read past a size limit."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.consumed += len(chunk)
        if self.consumed > self.limit:
            raise StatementParseError(f"file larger than the {self.limit}-byte limit")
        return chunk


def _guarded_events(source: _LimitedReader) -> Iterator[tuple[str, etree._Element]]:
    events = etree.iterparse(
        source,
        events=("start", "end"),
        tag=_FILTER,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=True,  # less to build and to walk; raw XML has none of it anyway
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, element in events:
            _refuse_doctype(element)
            yield event, element
            break
        yield from events
    except etree.XMLSyntaxError as error:
        reason = f"not well-formed XML: {error.msg}"
        raise StatementParseError(reason, line=error.lineno) from error


def _refuse_doctype(element: etree._Element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise StatementParseError(
            "a DOCTYPE is not allowed in a CAMT file (entity expansion / external entities)",
            line=1,
        )
    root = element.getroottree().getroot()
    if _local(root) != "Document":
        raise StatementParseError(f"root element is {_local(root)}, not Document", line=1)


class _RecordReader:
    """Reads one Stmt/Rpt/Ntfctn: its header first, then its entries on demand."""

    def __init__(self, record: etree._Element, events: Iterator, index: int) -> None:
        self.record = record
        self.events = events
        self.path = f"/Document/{_local(record.getparent())}/{_local(record)}[{index}]"
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
                _release(element)
                return self.statement
        return self.statement

    def _take_header(self) -> None:
        for child in self.record:
            name = _local(child)
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
                _release(element)
                return
            if element.getparent() is record and _local(element) == "Ntry":
                self.entry_index += 1
                yield from self._entry_lines(element)
                _release(element)

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


def _local(element) -> str:
    return element.tag.rpartition("}")[2] if element is not None else ""


def _release(element: etree._Element) -> None:
    """Free a processed element and the already-processed siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]
