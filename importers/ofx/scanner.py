"""Split an OFX file, read as bytes, into its envelope and its STMTTRN blocks.

ofxparse builds one BeautifulSoup tree for a whole file (~18 KB per transaction); scanning
the bytes first lets it read the envelope once and the transactions in chunks, so memory
is bounded by the chunk size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from importers.base import StatementParseError

_READ_SIZE = 1 << 16
_MAX_TRANSACTION_BYTES = 1 << 20
#: a transaction has a few dozen elements; ofxparse's soup slows to seconds on 10^5
_MAX_TRANSACTION_TAGS = 1000
#: the envelope of a bank statement (everything but its transactions) has a few dozen
_MAX_ENVELOPE_TAGS = 20_000
_TRN_OPEN = re.compile(rb"<STMTTRN>", re.IGNORECASE)
_TRN_CLOSE = re.compile(rb"</STMTTRN>", re.IGNORECASE)
_SECTION_OPEN = re.compile(rb"<(STMTRS|CCSTMTRS|INVSTMTRS)>", re.IGNORECASE)


@dataclass
class Section:
    """One STMTRS, CCSTMTRS or INVSTMTRS: where it opens and its text without STMTTRNs."""

    kind: str  #: STMTRS, CCSTMTRS or INVSTMTRS
    line: int
    parts: list[bytes] = field(default_factory=list)  #: its envelope text, without STMTTRNs
    transactions: int = 0

    def text(self, encoding: str) -> str:
        """Give the section's envelope text, up to its closing tag."""
        whole = b"".join(self.parts).decode(encoding)
        end = re.search(rf"</{self.kind}>", whole, re.IGNORECASE)
        return whole[: end.start()] if end else whole


@dataclass
class Envelope:
    """The file without its STMTTRN blocks, and its statements' sections."""

    text: str  #: the whole file without its STMTTRN blocks
    sections: list[Section]
    encoding: str


def scan(stream: BinaryIO) -> Iterator[tuple[str, bytes, int]]:
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
                        "{tag} is never closed: the file is truncated or malformed",
                        line=line + buf.count(b"\n", pos, opening.start()),
                        tag="STMTTRN",
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
                    "{tag} is never closed (over 1 MB without </{tag}>)",
                    line=line + buf.count(b"\n", pos, opening.start()),
                    tag="STMTTRN",
                )
            more = stream.read(_READ_SIZE)
            if b"\x00" in more:  # anywhere in the file, not only its head: binary data
                raise StatementParseError(
                    "binary data (a NUL byte), not an OFX file",
                    line=line + buf.count(b"\n", pos) + more.count(b"\n", 0, more.index(b"\x00")),
                )
            eof = not more
            buf, pos = buf[pos:] + more, 0
            continue
        if opening.start() > pos:
            yield "text", buf[pos : opening.start()], line
            line += buf.count(b"\n", pos, opening.start())
        if _TRN_OPEN.search(buf, opening.end(), closing.start()):
            raise StatementParseError(
                "{tag} is not closed before the next one", line=line, tag="STMTTRN"
            )
        block = buf[opening.start() : closing.end()]
        if block.count(b"<") > _MAX_TRANSACTION_TAGS:
            raise StatementParseError(
                "{tag} holds over {limit} tags: not a bank transaction",
                line=line,
                tag="STMTTRN",
                limit=_MAX_TRANSACTION_TAGS,
            )
        yield "trn", block, line
        line += buf.count(b"\n", opening.start(), closing.end())
        pos = closing.end()


def read_envelope(stream: BinaryIO, encoding: str) -> Envelope:
    """Read the file once, keeping everything but the STMTTRN blocks, sorted into sections."""
    pieces: list[bytes] = []
    sections: list[Section] = []
    tags = 0
    for kind, data, line in scan(stream):
        if kind == "trn":
            if not sections:
                raise StatementParseError("{tag} outside any statement", line=line, tag="STMTTRN")
            sections[-1].transactions += 1
            continue
        if not data.strip():
            continue
        pieces.append(data)
        tags += data.count(b"<")
        if tags > _MAX_ENVELOPE_TAGS:
            raise StatementParseError(
                "over {limit} tags outside the transactions: not a bank statement",
                line=line,
                limit=_MAX_ENVELOPE_TAGS,
            )
        _add_to_sections(sections, data, line)
    return Envelope(b"".join(pieces).decode(encoding), sections, encoding)


def _add_to_sections(sections: list[Section], data: bytes, line: int) -> None:
    position = 0
    for match in _SECTION_OPEN.finditer(data):
        if sections:
            sections[-1].parts.append(data[position : match.start()])
        opened_on = line + data.count(b"\n", 0, match.start())
        sections.append(Section(match.group(1).decode().upper(), opened_on))
        position = match.start()
    if sections:
        sections[-1].parts.append(data[position:])


class Cursor:
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
