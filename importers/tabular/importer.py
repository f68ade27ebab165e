"""The tabular importer: pick the container and encoding, then read the rows as one Statement."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from importers.base import Statement, StatementParseError
from importers.tabular.header import best_score, header_score
from importers.tabular.profiles import (
    PROFILES_DIR,
    Profile,
    all_profiles,
    build_profile,
    pick_profile,
)
from importers.tabular.reader import ExportReader
from importers.tabular.sources import (
    HEAD_BYTES,
    Rewound,
    container_of,
    guess_encoding,
    html_rows,
    text_rows,
    xls_rows,
    xlsx_rows,
)


class TabularImporter:
    """Read spreadsheet-like bank exports as one Statement, driven by a profile."""

    format = "csv"

    def __init__(
        self,
        profile: str | None = None,
        profiles_dir: Path = PROFILES_DIR,
        saved: dict[str, dict] | None = None,
    ) -> None:
        """`saved`: profiles the caller keeps (a court's statement profiles), name → the
        keys of a profile file; they are detected by their headers before the folder's, and
        `profile` may name one."""
        self.profiles_dir = profiles_dir
        self.saved: tuple[Profile, ...] = tuple(
            build_profile(name, data, profiles_dir) for name, data in (saved or {}).items()
        )
        self.profile: Profile | None = None
        if profile:
            # a saved profile of the court wins over a folder's of the same name
            named = {**all_profiles(profiles_dir), **{p.name: p for p in self.saved}}
            self.profile = pick_profile(profile, named)

    def identify(self, head: bytes) -> bool:
        """Tell a spreadsheet or a delimited text with a recognisable header row."""
        container = container_of(head)
        if container in ("xlsx", "xls"):
            return True
        text = head.decode(guess_encoding(head), errors="ignore")
        rows = [re.split(r"[,\t;]|</t[dh]>", line) for line in text.splitlines()[:40]]
        return any(header_score(row, self.profiles_dir) for row in rows)

    def parse(self, stream: BinaryIO) -> Iterator[Statement]:
        """Yield the file's single statement; its lines stream row by row."""
        head = stream.read(HEAD_BYTES)
        if not head.strip():
            raise StatementParseError("the file is empty", line=1)
        container = container_of(head)
        encoding = self._encoding(head)
        rows = self._rows(container, head, stream, encoding)
        reader = ExportReader(rows, self.profile, self.profiles_dir, self.saved)
        statement = reader.statement()
        text_encoding = encoding if container in ("text", "html") else None
        statement.extra.update(container=container, encoding=text_encoding)
        yield statement

    def _encoding(self, head: bytes) -> str:
        declared = self.profile.encoding if self.profile else "auto"
        return guess_encoding(head) if declared == "auto" else declared

    def _rows(self, container: str, head: bytes, stream: BinaryIO, encoding: str):
        whole = io.BufferedReader(Rewound(head, stream))
        if container == "xlsx":
            return xlsx_rows(whole)
        if container == "xls":
            return xls_rows(whole)
        if container == "html":
            return html_rows(whole, None if encoding == "auto" else encoding)
        return text_rows(head, stream, encoding, lambda rows: best_score(rows, self.profiles_dir))
