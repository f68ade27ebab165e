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


#: the shortest account a transfer can reach; bank accounts run 8 to 32 characters
MIN_ACCOUNT_LENGTH = 8
_REACHABLE = re.compile(r"[0-9A-Z]+")


def is_reachable_account(text: str | None) -> bool:
    """Whether a transfer can be sent to this account number: whole, not masked or cut
    (a statement may print `1234****9876`; no bank accepts that)."""
    if not text:
        return False
    number = normalise_account_number(text)
    return len(number) >= MIN_ACCOUNT_LENGTH and bool(_REACHABLE.fullmatch(number))
