"""Bank account numbers as people and spreadsheets write them: compare and mask."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—]+")


def normalise_account_number(text: str) -> str:
    """Return the account number without spaces, dashes or a spreadsheet's leading apostrophe."""
    if text.isdigit() and text.isascii():  # the usual case, on every statement line
        return text
    folded = unicodedata.normalize("NFKC", text).strip().lstrip("'")
    return _SEPARATORS.sub("", folded).upper()


def mask_account_number(text: str | None) -> str | None:
    """Keep the first four and last four characters: 6222021234561234 -> 6222 **** **** 1234."""
    if not text:
        return text
    number = normalise_account_number(text)
    if len(number) <= 8:
        return "*" * (len(number) - 4) + number[-4:] if len(number) > 4 else number
    return f"{number[:4]} **** **** {number[-4:]}"
