"""The CAMT importer: one Statement per Stmt, Rpt or Ntfctn of a CAMT.052/053/054 file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from importers.base import Statement, StatementParseError
from importers.camt.document import RECORD_TAGS, LimitedReader, guarded_events, local_name
from importers.camt.records import RecordReader

DEFAULT_MAX_BYTES = 1 << 30  #: 1 GiB: far above a year of a busy account's entries


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
        events = guarded_events(LimitedReader(stream, self.max_bytes))
        found = 0
        for event, element in events:
            if event == "start" and local_name(element) in RECORD_TAGS:
                found += 1
                reader = RecordReader(element, events, found)
                statement = reader.read_header()
                yield statement
                for _ in statement.lines:  # drain what the caller left unread
                    pass
        if not found:
            raise StatementParseError(
                "the document holds no statement "
                "(no {statement_tag}, {report_tag} or {notice_tag})",
                path="/Document",
                statement_tag="Stmt",
                report_tag="Rpt",
                notice_tag="Ntfctn",
            )
