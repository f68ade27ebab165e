"""The OFX importer: one Statement per STMTRS, CCSTMTRS or INVSTMTRS, lines in chunks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from importers.base import Statement, StatementLine, StatementParseError
from importers.ofx.envelope import (
    declared_encoding,
    ledger_balance,
    parse_envelope,
    statement_extra,
)
from importers.ofx.fence import parse_chunk
from importers.ofx.fields import element, local_date
from importers.ofx.lines import statement_line
from importers.ofx.scanner import Cursor, read_envelope, scan
from importers.text import detect_encoding, seekable


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
        encoding = detect_encoding(stream, declared_encoding(head))
        if encoding == "utf-16":
            raise StatementParseError("OFX in UTF-16 is not supported")
        envelope = read_envelope(stream, encoding)
        accounts = parse_envelope(envelope)
        stream.seek(0)
        cursor = Cursor(scan(stream))
        for index, section in enumerate(envelope.sections):
            yield self._statement(index, section, accounts[index], cursor, encoding)

    def _statement(self, index, section, account, cursor, encoding) -> Statement:
        text = section.text(encoding)
        ofx_statement = account.statement
        currency = (getattr(ofx_statement, "currency", "") or account.curdef or "").upper()
        start, end = element(text, "DTSTART"), element(text, "DTEND")
        statement = Statement(
            account=account.account_id or None,
            currency=currency or None,
            lines=iter(()),
            closing_balance=ledger_balance(text, section.line),
            period_start=local_date(start, section.line, "DTSTART")[0] if start else None,
            period_end=local_date(end, section.line, "DTEND")[0] if end else None,
            extra=statement_extra(section, account, ofx_statement),
        )
        statement.lines = self._lines(index, cursor, statement.currency, encoding)
        return statement

    def _lines(self, index, cursor, currency, encoding) -> Iterator[StatementLine]:
        fitids: set[str] = set()
        for chunk in cursor.chunks(index, self.chunk_size):
            texts = [block.decode(encoding) for block, _ in chunk]
            lines = [line for _, line in chunk]
            for text, line, txn in zip(texts, lines, parse_chunk(texts, lines), strict=True):
                read = statement_line(txn, text, line, currency)
                if read.bank_reference in fitids:
                    raise StatementParseError(
                        "duplicate {tag} '{reference}' in one statement",
                        line=line,
                        field="FITID",
                        tag="FITID",
                        reference=read.bank_reference,
                    )
                fitids.add(read.bank_reference)
                yield read
