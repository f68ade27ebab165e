"""The CAMT document as a guarded stream of lxml events.

The parser never loads a DTD, resolves entities or touches the network, and a document
that carries any DOCTYPE is refused at its first event, before any content is used; input
beyond a size limit is refused while reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from importers.base import StatementParseError

RECORD_TAGS = frozenset({"Stmt", "Rpt", "Ntfctn"})
_HEAD_BYTES = 64 * 1024
_FILTER = tuple(f"{{*}}{tag}" for tag in ("Document", "Ntry", *RECORD_TAGS))


class LimitedReader:
    """A file-like view that refuses to read past a size limit."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.consumed = 0
        self.head = b""  #: the first bytes read: the prolog, where a DOCTYPE would stand

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.consumed += len(chunk)
        if len(self.head) < _HEAD_BYTES:
            self.head += chunk[: _HEAD_BYTES - len(self.head)]
        if self.consumed > self.limit:
            raise StatementParseError("file larger than the {limit}-byte limit", limit=self.limit)
        return chunk


def guarded_events(source: LimitedReader) -> Iterator[tuple[str, etree._Element]]:
    """Yield the start and end events of Document, records and entries; refuse a DOCTYPE."""
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
        # libxml2 2.13+ stops an entity bomb inside the prolog, before the first event
        if b"<!DOCTYPE" in source.head.upper():
            raise _doctype_refused() from error
        raise StatementParseError(
            "not well-formed XML: {problem}", line=error.lineno, problem=error.msg
        ) from error


def _refuse_doctype(element: etree._Element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _doctype_refused()
    root = element.getroottree().getroot()
    if local_name(root) != "Document":
        raise StatementParseError(
            "root element is {root}, not {expected}",
            line=1,
            root=local_name(root),
            expected="Document",
        )


def _doctype_refused() -> StatementParseError:
    return StatementParseError(
        "a {declaration} is not allowed in a CAMT file (entity expansion / external entities)",
        line=1,
        declaration="DOCTYPE",
    )


def local_name(element) -> str:
    """Give an element's tag without its namespace."""
    return element.tag.rpartition("}")[2] if element is not None else ""


def release(element: etree._Element) -> None:
    """Free a processed element and the already-processed siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]
