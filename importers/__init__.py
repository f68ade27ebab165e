"""The importer registry: find the format of an uploaded file and parse it.

Importers are looked up by name and imported on first use, so a format whose module is
missing (or still being written) fails only when it is asked for.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from importers.base import Importer, Statement, StatementParseError
from importers.text import bom_encoding, seekable

#: format name → (module, class); the order is the order of detection
_IMPORTER_CLASSES = {
    "ofx": ("importers.ofx", "OfxImporter"),
    "camt053": ("importers.camt", "CamtImporter"),
    "mt940": ("importers.mt940", "Mt940Importer"),
    "csv": ("importers.tabular", "TabularImporter"),
}
_ALIASES = {"qfx": "ofx", "camt": "camt053", "sta": "mt940", "xlsx": "csv", "xls": "csv"}
_EXTENSIONS = {
    ".ofx": "ofx",
    ".qfx": "ofx",
    ".sta": "mt940",
    ".940": "mt940",
    ".mt940": "mt940",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "csv",
    ".xls": "csv",
}
_HEAD_SIZE = 64 * 1024
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_CAMT_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05[234]")


class _Importers(Mapping):
    """Importer instances by format name, each imported and built when first asked for."""

    def __init__(self) -> None:
        self._built: dict[str, Importer] = {}

    def __getitem__(self, name: str) -> Importer:
        if name not in self._built:
            module_name, class_name = _IMPORTER_CLASSES[name]
            self._built[name] = _load(module_name, class_name)()
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_IMPORTER_CLASSES)

    def __len__(self) -> int:
        return len(_IMPORTER_CLASSES)


IMPORTERS: Mapping[str, Importer] = _Importers()


def get_importer(spec: str) -> Importer:
    """Build the importer a `--format` value names: `ofx`, `mt940`, `camt053`, `csv:profile`."""
    name, _, profile = spec.strip().lower().partition(":")
    name = _ALIASES.get(name, name)
    if name not in _IMPORTER_CLASSES:
        raise StatementParseError("unknown format '{spec}'", spec=spec)
    if profile:
        if name != "csv":
            raise StatementParseError(
                "only csv takes a profile, not {format_name}", format_name=name
            )
        return _load(*_IMPORTER_CLASSES["csv"])(profile=spec.split(":", 1)[1].strip())
    return IMPORTERS[name]


def detect_format(head: bytes, filename: str | None = None) -> str:
    """Name the format of a file from its first bytes, the file name only breaking ties."""
    if not head.strip():
        raise StatementParseError("unrecognised format: the file is empty")
    for name in ("ofx", "camt053", "mt940"):
        if _identifies(name, head):
            return name
    if head.startswith(_SPREADSHEET_MAGIC) or _identifies("csv", head):
        return "csv"
    if _looks_like_text(head) and _looks_tabular(head):
        return "csv"
    if _looks_like_text(head) and filename:
        by_name = _EXTENSIONS.get(_extension(filename))
        if by_name:
            return by_name
    raise StatementParseError("unrecognised format: not OFX, CAMT.053, MT940, CSV or Excel")


def parse_file(
    stream: BinaryIO, format: str | None = None, filename: str | None = None
) -> Iterator[Statement]:
    """Yield the statements of a file, detecting its format unless told; errors name the file."""
    try:
        with seekable(stream) as source:
            head = source.read(_HEAD_SIZE)
            source.seek(0)
            importer = get_importer(format) if format else IMPORTERS[detect_format(head, filename)]
            for statement in importer.parse(source):
                statement.lines = _naming_errors(statement.lines, filename)
                yield statement
    except StatementParseError as error:
        error.filename = error.filename or filename
        raise


def _naming_errors(lines, filename: str | None):
    try:
        yield from lines
    except StatementParseError as error:
        error.filename = error.filename or filename
        raise


def _load(module_name: str, class_name: str):
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise StatementParseError(
            "the importer {module_name} is not available", module_name=module_name
        ) from error


def _identifies(name: str, head: bytes) -> bool:
    try:
        return bool(IMPORTERS[name].identify(head))
    except StatementParseError:
        # that importer is not there yet: fall back to a plain look at the content
        return name == "camt053" and _CAMT_NAMESPACE.search(head) is not None


def _looks_like_text(head: bytes) -> bool:
    encoding = bom_encoding(head)
    if encoding == "utf-16":
        return True
    sample = head[:_HEAD_SIZE]
    if b"\x00" in sample:
        return False
    for codec in ("utf-8", "gb18030"):
        try:
            # a multi-byte character may be cut at the end of the head
            sample.decode(codec, errors="strict")
            return True
        except UnicodeDecodeError as error:
            if error.start >= len(sample) - 4:
                return True
    return False


def _looks_tabular(head: bytes) -> bool:
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    return any(delimiter in line for line in lines for delimiter in (b",", b"\t", b";", b"|"))


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot >= 0 else ""
