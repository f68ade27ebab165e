"""OFX/QFX statements, 1.x SGML and 2.x XML, read with ofxparse and fenced off from its traps.

What ofxparse 0.21 gets wrong for us, and what this module does instead:

- It decodes by the header alone (2.x XML always as ASCII, 1.x by CHARSET), so GBK text
  raises or turns into mojibake. We detect the encoding from the content (`_text`) and
  hand ofxparse UTF-8 behind a synthetic 1.x header.
- It converts every date to UTC, moving a 07:30 +8 deposit to the day before. Booking
  dates come from the raw DTPOSTED's local part.
- It reads `1,234` as 1.234 and `null` as 0. Amounts are parsed here, strictly.
- It builds one BeautifulSoup tree for the whole file (~18 KB per transaction). We scan the
  file as bytes, let ofxparse read the envelope (the file without its STMTTRN blocks) once,
  and then the transactions in chunks, so memory is bounded by the chunk size.
- It ignores BANKACCTTO, REFNUM and PAYEEID; we read them from each block's own text.
- bs4 warns about ofxparse's `findAll`; those warnings are silenced around each call.
"""

from __future__ import annotations

import decimal
import gc
import html
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from bs4.exceptions import ParserRejectedMarkup
from ofxparse import OfxParser
from ofxparse.ofxparse import OfxParserException

from importers._text import detect_encoding, seekable
from importers.base import Statement, StatementLine, StatementParseError

_READ_SIZE = 1 << 16
_MAX_TRANSACTION_BYTES = 1 << 20
#: a transaction has a few dozen elements; ofxparse's soup slows to seconds on 10^5
_MAX_TRANSACTION_TAGS = 1000
#: the envelope of a bank statement (everything but its transactions) has a few dozen
_MAX_ENVELOPE_TAGS = 20_000
#: what ofxparse reads best: a 1.x header saying UTF-8, then our own UTF-8 body
_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\n"
    "CHARSET:NONE\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
#: The envelope around a chunk of STMTTRN blocks. The placeholder elements are never read
#: back; ofxparse looks each of them up, and finding them up front spares it a walk
#: through every transaction per lookup. Only tags that never occur inside a STMTTRN: ofxparse
#: decides per document which tags are closed, so a shared tag could change how blocks nest.
_CHUNK_OPEN = (
    "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><FI><ORG>-</FI>"
    "</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>XXX"
    "<LEDGERBAL><BALAMT>0<DTASOF>20000101</LEDGERBAL><AVAILBAL><BALAMT>0<DTASOF>20000101"
    "</AVAILBAL><BANKTRANLIST><DTSTART>20000101<DTEND>20000101\n"
)
_CHUNK_CLOSE = "\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
#: ofxparse lists accounts bank first, then credit card, then investment
_KIND_ORDER = {"STMTRS": 0, "CCSTMTRS": 1, "INVSTMTRS": 2}
_KIND_NAME = {"STMTRS": "bank", "CCSTMTRS": "creditcard", "INVSTMTRS": "investment"}
_OFXPARSE_ERRORS = (
    OfxParserException,
    ParserRejectedMarkup,  # bs4's html.parser on a mangled marked section such as `<![BDATA[`
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    ArithmeticError,  # decimal.InvalidOperation; OverflowError of a date beyond any year
)

_TRN_OPEN = re.compile(rb"<STMTTRN>", re.IGNORECASE)
_TRN_CLOSE = re.compile(rb"</STMTTRN>", re.IGNORECASE)
_SECTION_OPEN = re.compile(rb"<(STMTRS|CCSTMTRS|INVSTMTRS)>", re.IGNORECASE)
_OFX_OPEN = re.compile(r"<OFX>", re.IGNORECASE)
_SGML_HEADER = re.compile(rb"^\s*(ENCODING|CHARSET)\s*:\s*([\w.-]+)", re.IGNORECASE | re.MULTILINE)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([\w.-]+)", re.IGNORECASE)
_STATUS = re.compile(r"<STATUS>(.*?)</STATUS>", re.IGNORECASE | re.DOTALL)
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


class OfxImporter:
    """Read OFX/QFX files; one Statement per STMTRS, CCSTMTRS or INVSTMTRS."""

    format = "ofx"

    def __init__(self, chunk_size: int = 2000) -> None:
        self.chunk_size = chunk_size

    def identify(self, head: bytes) -> bool:
        """Tell whether the head of a file is OFX (either dialect) or QFX."""
        return re.search(rb"OFXHEADER|<OFX>", head[:8192], re.IGNORECASE) is not None

    def parse(self, stream: BinaryIO) -> Iterator[Statement]:
        """Yield the file's statements; reject the whole file on any unreadable part."""
        with seekable(stream) as source:
            yield from self._parse(source)

    def _parse(self, stream: BinaryIO) -> Iterator[Statement]:
        head = stream.read(4096)
        stream.seek(0)
        if not head.strip():
            raise StatementParseError("the file is empty")
        encoding = detect_encoding(stream, _declared_encoding(head))
        if encoding == "utf-16":
            raise StatementParseError("OFX in UTF-16 is not supported")
        envelope = _read_envelope(stream, encoding)
        accounts = _parse_envelope(envelope)
        stream.seek(0)
        cursor = _Cursor(_scan(stream))
        for index, section in enumerate(envelope.sections):
            yield self._statement(index, section, accounts[index], cursor, encoding)

    def _statement(self, index, section, account, cursor, encoding) -> Statement:
        text = section.text(encoding)
        ofx_statement = account.statement
        currency = (getattr(ofx_statement, "currency", "") or account.curdef or "").upper()
        start, end = _element(text, "DTSTART"), _element(text, "DTEND")
        statement = Statement(
            account=account.account_id or None,
            currency=currency or None,
            lines=iter(()),
            closing_balance=_ledger_balance(text, section.line),
            period_start=_local_date(start, section.line, "DTSTART")[0] if start else None,
            period_end=_local_date(end, section.line, "DTEND")[0] if end else None,
            extra=_statement_extra(section, account, ofx_statement),
        )
        statement.lines = self._lines(index, cursor, statement.currency, encoding)
        return statement

    def _lines(self, index, cursor, currency, encoding) -> Iterator[StatementLine]:
        fitids: set[str] = set()
        for chunk in cursor.chunks(index, self.chunk_size):
            texts = [block.decode(encoding) for block, _ in chunk]
            lines = [line for _, line in chunk]
            for text, line, txn in zip(texts, lines, _parse_chunk(texts, lines), strict=True):
                statement_line = _statement_line(txn, text, line, currency)
                if statement_line.bank_reference in fitids:
                    raise StatementParseError(
                        f"duplicate FITID {statement_line.bank_reference!r} in one statement",
                        line=line,
                        field="FITID",
                    )
                fitids.add(statement_line.bank_reference)
                yield statement_line


# --- scanning the file as bytes -----------------------------------------------------------


@dataclass
class _Section:
    kind: str  #: STMTRS, CCSTMTRS or INVSTMTRS
    line: int
    parts: list[bytes] = field(default_factory=list)  #: its envelope text, without STMTTRNs
    transactions: int = 0

    def text(self, encoding: str) -> str:
        whole = b"".join(self.parts).decode(encoding)
        end = re.search(rf"</{self.kind}>", whole, re.IGNORECASE)
        return whole[: end.start()] if end else whole


@dataclass
class _Envelope:
    text: str  #: the whole file without its STMTTRN blocks
    sections: list[_Section]
    encoding: str


def _scan(stream: BinaryIO) -> Iterator[tuple[str, bytes, int]]:
    """Split the file into ("text", …) envelope pieces and ("trn", …) STMTTRN blocks.

    Each item carries the 1-based line it starts on. Text pieces always end just before
    a `<`, so no tag or element value is ever cut in two.
    """
    buf, pos, line, eof = b"", 0, 1, False
    while True:
        opening = _TRN_OPEN.search(buf, pos)
        closing = _TRN_CLOSE.search(buf, opening.end()) if opening else None
        if closing is None:
            if eof:
                if opening:
                    raise StatementParseError(
                        "STMTTRN is never closed: the file is truncated or malformed",
                        line=line + buf.count(b"\n", pos, opening.start()),
                    )
                if pos < len(buf):
                    yield "text", buf[pos:], line
                return
            if opening is None:
                cut = buf.rfind(b"<", pos)
                cut = len(buf) if cut < 0 else cut
                if cut > pos:
                    yield "text", buf[pos:cut], line
                    line += buf.count(b"\n", pos, cut)
                    pos = cut
            elif len(buf) - opening.start() > _MAX_TRANSACTION_BYTES:
                raise StatementParseError(
                    "STMTTRN is never closed (over 1 MB without </STMTTRN>)",
                    line=line + buf.count(b"\n", pos, opening.start()),
                )
            more = stream.read(_READ_SIZE)
            eof = not more
            buf, pos = buf[pos:] + more, 0
            continue
        if opening.start() > pos:
            yield "text", buf[pos : opening.start()], line
            line += buf.count(b"\n", pos, opening.start())
        if _TRN_OPEN.search(buf, opening.end(), closing.start()):
            raise StatementParseError("STMTTRN is not closed before the next one", line=line)
        block = buf[opening.start() : closing.end()]
        if block.count(b"<") > _MAX_TRANSACTION_TAGS:
            raise StatementParseError(
                f"STMTTRN holds over {_MAX_TRANSACTION_TAGS} tags: not a bank transaction",
                line=line,
            )
        yield "trn", block, line
        line += buf.count(b"\n", opening.start(), closing.end())
        pos = closing.end()


def _read_envelope(stream: BinaryIO, encoding: str) -> _Envelope:
    """Read the file once, keeping everything but the STMTTRN blocks, sorted into sections."""
    pieces: list[bytes] = []
    sections: list[_Section] = []
    tags = 0
    for kind, data, line in _scan(stream):
        if kind == "trn":
            if not sections:
                raise StatementParseError("STMTTRN outside any statement", line=line)
            sections[-1].transactions += 1
            continue
        if not data.strip():
            continue
        pieces.append(data)
        tags += data.count(b"<")
        if tags > _MAX_ENVELOPE_TAGS:
            raise StatementParseError(
                f"over {_MAX_ENVELOPE_TAGS} tags outside the transactions: not a bank statement",
                line=line,
            )
        _add_to_sections(sections, data, line)
    return _Envelope(b"".join(pieces).decode(encoding), sections, encoding)


def _add_to_sections(sections: list[_Section], data: bytes, line: int) -> None:
    position = 0
    for match in _SECTION_OPEN.finditer(data):
        if sections:
            sections[-1].parts.append(data[position : match.start()])
        opened_on = line + data.count(b"\n", 0, match.start())
        sections.append(_Section(match.group(1).decode().upper(), opened_on))
        position = match.start()
    if sections:
        sections[-1].parts.append(data[position:])


class _Cursor:
    """One pass over the STMTTRN blocks, handed out section by section."""

    def __init__(self, items: Iterator[tuple[str, bytes, int]]) -> None:
        self._items = items
        self._section = -1
        self._pending: tuple[int, bytes, int] | None = None

    def chunks(self, section: int, size: int) -> Iterator[list[tuple[bytes, int]]]:
        chunk: list[tuple[bytes, int]] = []
        while (item := self._next_in(section)) is not None:
            chunk.append(item)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _next_in(self, section: int) -> tuple[bytes, int] | None:
        while True:
            if self._pending is None:
                self._pending = self._advance()
                if self._pending is None:
                    return None
            owner, block, line = self._pending
            if owner > section:
                return None
            self._pending = None
            if owner == section:
                return block, line
            # a block of an earlier statement whose lines the caller skipped

    def _advance(self) -> tuple[int, bytes, int] | None:
        for kind, data, line in self._items:
            if kind == "text":
                self._section += len(_SECTION_OPEN.findall(data))
            else:
                return self._section, data, line
        return None


# --- the envelope ---------------------------------------------------------------------------


def _declared_encoding(head: bytes) -> str | None:
    xml = _XML_ENCODING.search(head)
    if xml:
        return xml.group(1).decode()
    header = {key.upper(): value for key, value in _SGML_HEADER.findall(head)}
    encoding = header.get(b"ENCODING", b"").decode().upper()
    charset = header.get(b"CHARSET", b"").decode()
    if encoding in ("", "USASCII"):
        return charset if charset and charset.upper() != "NONE" else ("1252" if encoding else None)
    return encoding


def _parse_envelope(envelope: _Envelope) -> list:
    _check_statuses(envelope.text)
    if not envelope.sections:
        raise StatementParseError("the file holds no statement (no STMTRS, CCSTMTRS or INVSTMTRS)")
    for section in envelope.sections:
        _check_section(section.text(envelope.encoding), section.line)
    start = _OFX_OPEN.search(envelope.text)
    if start is None:
        raise StatementParseError("not an OFX file: no <OFX> element")
    if not re.search(r"</OFX>", envelope.text, re.IGNORECASE):
        raise StatementParseError("the file ends before </OFX>: it is truncated")
    try:
        accounts = _ofxparse(envelope.text[start.start() :]).accounts
    except _OFXPARSE_ERRORS as error:
        raise StatementParseError(_reason(error)) from error
    return _in_file_order(envelope.sections, accounts)


def _in_file_order(sections: list[_Section], accounts: list) -> list:
    """Pair ofxparse's accounts (grouped bank, credit card, investment) with our sections."""
    by_kind = sorted(range(len(sections)), key=lambda i: _KIND_ORDER[sections[i].kind])
    if len(accounts) < len(sections):
        raise StatementParseError("ofxparse found fewer statements than the file holds")
    aligned = [None] * len(sections)
    for index, account in zip(by_kind, accounts, strict=False):
        aligned[index] = account
    return aligned


def _check_section(text: str, line: int) -> None:
    """Name the empty element ofxparse would only report as an IndexError."""
    for tag in ("CURDEF", "ACCTID", "DTSTART", "DTEND", "BALAMT"):
        empty = _empty_element(text, tag)
        if empty is not None:
            raise StatementParseError(
                f"{tag} is empty", line=line + text.count("\n", 0, empty), field=tag
            )


def _empty_element(text: str, tag: str) -> int | None:
    match = re.search(rf"<{tag}>\s*(?=<)", text, re.IGNORECASE)
    return match.start() if match else None


def _check_statuses(text: str) -> None:
    for status in _STATUS.findall(text):
        if (_element(status, "SEVERITY") or "").upper() == "ERROR":
            code, message = _element(status, "CODE"), _element(status, "MESSAGE")
            raise StatementParseError(
                f"the bank reports an error (code {code}): {message or 'no message'}"
            )


def _ledger_balance(text: str, line: int) -> Decimal | None:
    ledger = re.search(r"<LEDGERBAL>(.*?)</LEDGERBAL>", text, re.IGNORECASE | re.DOTALL)
    amount = _element(ledger.group(1), "BALAMT") if ledger else None
    if ledger and amount is None:
        raise StatementParseError("LEDGERBAL has no amount", line=line, field="BALAMT")
    return _amount(amount, line, "BALAMT") if amount is not None else None


def _statement_extra(section: _Section, account, ofx_statement) -> dict:
    extra = {"kind": _KIND_NAME[section.kind], "transactions_in_file": section.transactions}
    for key, value in (
        ("bank_id", account.routing_number),
        ("branch_id", account.branch_id),
        ("account_type", account.account_type),
        ("available_balance", getattr(ofx_statement, "available_balance", None)),
        ("available_cash", getattr(ofx_statement, "available_cash", None)),
    ):
        if value not in (None, ""):
            extra[key] = value
    if section.kind == "INVSTMTRS":
        # security trades move units, not the account's cash: reported, not imported
        extra["security_transactions"] = len(ofx_statement.transactions)
    return extra


# --- transactions ---------------------------------------------------------------------------


def _ofxparse(body: str):
    document = (_HEADER + body).encode("utf-8")
    with warnings.catch_warnings():
        # bs4 deprecates ofxparse's findAll; not ours to fix, and harmless
        warnings.filterwarnings("ignore", "Call to deprecated method", DeprecationWarning)
        return OfxParser.parse(io.BytesIO(document), fail_fast=True)


def _parse_chunk(texts: list[str], lines: list[int]) -> list:
    try:
        transactions = _ofxparse(_CHUNK_OPEN + "".join(texts) + _CHUNK_CLOSE)
        transactions = transactions.accounts[0].statement.transactions
    except _OFXPARSE_ERRORS as error:
        raise _locate_error(texts, lines, error) from error
    if len(transactions) != len(texts):
        raise StatementParseError(
            f"ofxparse read {len(transactions)} of {len(texts)} transactions", line=lines[0]
        )
    # The chunk's BeautifulSoup tree is a web of parent/child cycles that outlives the
    # young generations; left to the collector's own pace, trees of many chunks pile up.
    gc.collect()
    return transactions


def _locate_error(texts: list[str], lines: list[int], error: Exception) -> StatementParseError:
    """Re-read a failed chunk block by block to name the transaction at fault."""
    for text, line in zip(texts, lines, strict=True):
        try:
            _ofxparse(_CHUNK_OPEN + text + _CHUNK_CLOSE)
        except _OFXPARSE_ERRORS as single:
            return StatementParseError(_explain(text) or _reason(single), line=line)
    return StatementParseError(_reason(error), line=lines[0])


def _explain(text: str) -> str | None:
    for tag in ("TRNTYPE", "DTPOSTED", "TRNAMT", "FITID", "NAME"):
        if _empty_element(text, tag) is not None:
            return f"{tag} is empty"
    return None


def _reason(error: Exception) -> str:
    if isinstance(error, IndexError):
        return "a required element is empty"
    if isinstance(error, decimal.InvalidOperation):
        return "an amount is not a number"
    message = " ".join(str(error).split())
    if isinstance(error, OfxParserException):
        return message
    return f"{type(error).__name__}: {message}"


def _statement_line(txn, text: str, line: int, currency: str | None) -> StatementLine:
    posted = _element(text, "DTPOSTED")
    if posted is None:
        raise StatementParseError("transaction has no DTPOSTED", line=line, field="DTPOSTED")
    booked_on, booked_at = _local_date(posted, line, "DTPOSTED")
    available = _element(text, "DTAVAIL")
    line_currency = _element(_aggregate(text, "CURRENCY") or "", "CURSYM") or currency
    if not line_currency:
        raise StatementParseError("no currency: the statement has no CURDEF", line=line)
    return StatementLine(
        booked_on=booked_on,
        booked_at=booked_at,
        value_date=_local_date(available, line, "DTAVAIL")[0] if available else None,
        amount=_amount(_element(text, "TRNAMT"), line, "TRNAMT"),
        currency=line_currency.upper(),
        bank_reference=txn.id or None,
        counterparty_name=txn.payee or None,
        counterparty_account=_destination(text, "ACCTID"),
        counterparty_bank=_destination(text, "BANKID"),
        remark=txn.memo or None,
        raw=text,
        source_line=line,
        extra=_line_extra(txn, text),
    )


def _line_extra(txn, text: str) -> dict:
    extra = {"type": txn.type}
    for key, value in (
        ("check_number", txn.checknum),
        ("sic", txn.sic),
        ("refnum", _element(text, "REFNUM")),
        ("payee_id", _element(text, "PAYEEID")),
        ("dtuser", _element(text, "DTUSER")),
    ):
        if value:
            extra[key] = value
    return extra


def _destination(text: str, tag: str) -> str | None:
    """Read a field of the debit's destination account (BANKACCTTO or CCACCTTO)."""
    account = _aggregate(text, "BANKACCTTO") or _aggregate(text, "CCACCTTO")
    return _element(account, tag) if account else None


def _aggregate(text: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.IGNORECASE | re.DOTALL)
    return match.group(1) if match else None


def _element(text: str, tag: str) -> str | None:
    """Read an element's value in either dialect: up to the next tag, CDATA allowed."""
    match = re.search(
        rf"<{tag}>\s*(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))", text, re.IGNORECASE | re.DOTALL
    )
    if match is None:
        return None
    value = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
    return value.strip() or None


def _local_date(raw: str, line: int, tag: str) -> tuple[date | None, datetime | None]:
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
        raise StatementParseError(f"{tag} {raw!r} is not a date", line=line, field=tag) from None


def _amount(raw: str | None, line: int, tag: str) -> Decimal:
    """Parse an OFX amount: `1234.5`, `1,234.50`, `1234,50`, `1.234,50`; nothing looser."""
    text = re.sub(r"\s", "", raw or "")
    for pattern, normalise in _AMOUNT_FORMS:
        if pattern.fullmatch(text):
            return Decimal(normalise(text))
    raise StatementParseError(f"{tag} {raw!r} is not an amount", line=line, field=tag)
