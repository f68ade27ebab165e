"""Decoding helpers shared by the text-based importers.

Chinese bank exports arrive as UTF-8 (with or without BOM) as often as GBK/GB18030, and
their headers lie about it (an OFX claiming CHARSET:1252 that holds GBK text). So the
content decides: a BOM first, then the declared encoding if the bytes are valid in it,
then UTF-8, then GB18030 (a superset of GBK and GB2312), and only then a declared
single-byte code page. A file valid in none of them is rejected, never decoded with
replacement characters.
"""

from __future__ import annotations

import codecs
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from importers.base import StatementParseError

_CHUNK = 1 << 16
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: names banks put in headers, mapped to the Python codec we decode them with
_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode": "utf-8",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "936": "gb18030",
    "1252": "cp1252",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "8859-1": "latin-1",
    "iso-8859-1": "latin-1",
    "latin-1": "latin-1",
    "usascii": "ascii",
    "us-ascii": "ascii",
    "ascii": "ascii",
}


def normalise_encoding_name(name: str | None) -> str | None:
    """Map a header's encoding name (GBK, 1252, USASCII…) to a Python codec name."""
    if not name:
        return None
    return _ALIASES.get(name.strip().strip("\"'").lower())


@contextmanager
def seekable(stream: BinaryIO) -> Iterator[BinaryIO]:
    """Give `stream` itself when it can seek, else a spooled copy, closed on exit."""
    if stream.seekable():
        yield stream
        return
    with tempfile.SpooledTemporaryFile(max_size=128 * _CHUNK) as copy:
        shutil.copyfileobj(stream, copy, _CHUNK)
        copy.seek(0)
        yield copy  # type: ignore[misc]


def bom_encoding(head: bytes) -> str | None:
    """Name the encoding a byte-order mark at the start of `head` announces."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def _candidates(declared: str | None) -> list[str]:
    order = []
    if declared in ("utf-8", "gb18030"):
        order.append(declared)
    order += [name for name in ("utf-8", "gb18030") if name not in order]
    if declared and declared not in order and declared != "ascii":
        order.append(declared)
    return order


def detect_encoding(stream: BinaryIO, declared: str | None = None) -> str:
    """Read a seekable stream through once and name the codec its whole content decodes in.

    The stream is left at its start. Raises StatementParseError when nothing fits.
    """
    start = stream.tell()
    encoding = bom_encoding(stream.read(4))
    stream.seek(start)
    candidates = [encoding] if encoding else _candidates(normalise_encoding_name(declared))
    decoders = {name: codecs.getincrementaldecoder(name)("strict") for name in candidates}
    line = failed_at = 1
    while chunk := stream.read(_CHUNK):
        for name in list(decoders):
            try:
                decoders[name].decode(chunk)
            except UnicodeDecodeError as error:
                del decoders[name]
                failed_at = max(failed_at, line + chunk[: max(error.start, 0)].count(b"\n"))
        if not decoders:
            break
        line += chunk.count(b"\n")
    for name in list(decoders):
        try:
            decoders[name].decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    stream.seek(start)
    for name in candidates:
        if name in decoders:
            return name
    if declared:
        raise StatementParseError(
            "the file is not text in UTF-8 or GB18030/GBK (nor in the declared {encoding})",
            line=failed_at,
            encoding=declared,
        )
    raise StatementParseError("the file is not text in UTF-8 or GB18030/GBK", line=failed_at)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode a small in-memory byte string by the same rules as `detect_encoding`."""
    encoding = bom_encoding(data)
    candidates = [encoding] if encoding else _candidates(normalise_encoding_name(declared))
    for name in candidates:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise StatementParseError("the file is not text in UTF-8 or GB18030/GBK")
