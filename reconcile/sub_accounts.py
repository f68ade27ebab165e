"""Case sub-account numbers (案款子账号): issue, normalise, check and suggest.

The default scheme is prefix + zero-padded sequence + two ISO 7064 MOD 97-10 check digits,
as IBANs use. 97 is prime and larger than any single-digit change (±9·10^k) or adjacent
transposition (±9·(a−b)·10^k), so every such typing error fails the check (rule 1: a
mistyped number is detected and never matched to another case).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet

from stdnum.iso7064 import mod_97_10

from reconcile.errors import ValueProblem

CHECK_DIGITS = 2

_DIGITS = re.compile(r"[0-9]+")
# Spaces (incl. full-width, NBSP), tabs and dash variants people and spreadsheets insert.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—−]+")
_EXCEL_TEXT_MARKER = "'"

_TRANSPOSITION, _SUBSTITUTION, _MISSING, _EXTRA = range(4)


class InvalidSubAccount(ValueProblem):
    """The text is not a sub-account number, or not one of this collection account's."""


def normalise_sub_account(text: str) -> str:
    """Strip separators and spreadsheet text markers; keep leading zeros."""
    if text.isdigit() and text.isascii():  # the usual case, on every statement line
        return text
    folded = unicodedata.normalize("NFKC", text).strip().lstrip(_EXCEL_TEXT_MARKER)
    number = _SEPARATORS.sub("", folded)
    if not _DIGITS.fullmatch(number):
        raise InvalidSubAccount(
            "sub-account number '{number}' must contain digits only", number=text
        )
    return number


def issue_sub_account(prefix: str, sequence: int, width: int = 8) -> str:
    """Return prefix + zero-padded sequence + MOD 97-10 check digits."""
    if not _DIGITS.fullmatch(prefix):
        raise ValueError(f"sub-account prefix {prefix!r} must be digits only")
    if not 0 <= sequence < 10**width:
        raise ValueError(f"sequence {sequence} does not fit in {width} digits")
    body = f"{prefix}{sequence:0{width}d}"
    return body + mod_97_10.calc_check_digits(body)


def has_valid_check_digits(number: str) -> bool:
    """Tell whether the number's last two digits are its MOD 97-10 check digits."""
    # For digits only, ISO 7064 MOD 97-10 validity is exactly `number mod 97 == 1`;
    # the integer test is what stdnum computes, without its per-character conversion.
    return (
        _DIGITS.fullmatch(number) is not None
        and len(number) > CHECK_DIGITS
        and (int(number) % 97 == 1)
    )


def validate_sub_account(number: str, *, prefix: str | None, check_digits: bool) -> str:
    """Normalise a sub-account number and check it against its collection account's scheme.

    The prefix is checked whenever one is given; the check digits only when the scheme
    has them (bank-issued numbers may not).
    """
    normalised = normalise_sub_account(number)
    if prefix is not None:
        _check_prefix(normalised, prefix, check_digits)
    if check_digits and not has_valid_check_digits(normalised):
        raise InvalidSubAccount(
            "sub-account number {number} has wrong check digits", number=normalised
        )
    return normalised


def near_misses(number: str, candidates: Iterable[str]) -> list[tuple[str, Typo]]:
    """List candidates one typing error away from number, most likely first, with reasons.

    Pass a set (or a dict's keys) for large candidate lists: the neighbours of number
    (about 21 per digit) are looked up in it, so the cost does not grow with the candidates.
    A number that does not normalise has no near misses.
    """
    try:
        typed = normalise_sub_account(number)
    except InvalidSubAccount:
        return []
    known = candidates if isinstance(candidates, AbstractSet) else set(candidates)
    found: dict[str, tuple[int, int, Typo]] = {}
    for neighbour, rank, position, reason in typo_neighbours(typed):
        if neighbour in known and neighbour != typed and neighbour not in found:
            found[neighbour] = (rank, position, reason)
    ranked = sorted(found.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
    return [(candidate, reason) for candidate, (_, _, reason) in ranked]


def _check_prefix(number: str, prefix: str, check_digits: bool) -> None:
    if not number.startswith(prefix):
        raise InvalidSubAccount(
            "sub-account number {number} does not start with {prefix}", number=number, prefix=prefix
        )
    minimum = len(prefix) + 1 + (CHECK_DIGITS if check_digits else 0)
    if len(number) < minimum:
        raise InvalidSubAccount(
            "sub-account number {number} is too short for prefix {prefix}",
            number=number,
            prefix=prefix,
        )


class Typo(str):
    """Why a number is one typing error from another: the English reason (what the
    matcher stores and the API shows), with its `kind` and 1-based `position` for the
    pages to say in their language (`suggest.<kind>`)."""

    kind: str
    position: int

    def __new__(cls, kind: str, position: int, text: str) -> Typo:
        typo = super().__new__(cls, text)
        typo.kind, typo.position = kind, position
        return typo

    def said(self) -> dict:
        return {"kind": self.kind, "position": self.position}


def typo_neighbours(typed: str) -> Iterator[tuple[str, int, int, Typo]]:
    """Yield (neighbour, rank, 1-based position, reason) for every single typing error."""
    yield from _transpositions(typed)
    yield from _substitutions(typed)
    yield from _insertions(typed)
    yield from _deletions(typed)


def _transpositions(typed: str) -> Iterator[tuple[str, int, int, Typo]]:
    for i in range(len(typed) - 1):
        if typed[i] != typed[i + 1]:
            swapped = typed[:i] + typed[i + 1] + typed[i] + typed[i + 2 :]
            why = Typo("swapped", i + 1, f"digits at positions {i + 1} and {i + 2} swapped")
            yield swapped, _TRANSPOSITION, i + 1, why


def _substitutions(typed: str) -> Iterator[tuple[str, int, int, Typo]]:
    for i, typed_digit in enumerate(typed):
        for digit in "0123456789":
            if digit != typed_digit:
                changed = typed[:i] + digit + typed[i + 1 :]
                why = Typo("differs", i + 1, f"one digit differs at position {i + 1}")
                yield changed, _SUBSTITUTION, i + 1, why


def _insertions(typed: str) -> Iterator[tuple[str, int, int, Typo]]:
    """The typed number lacks a digit that the candidate has."""
    for i in range(len(typed) + 1):
        for digit in "0123456789":
            longer = typed[:i] + digit + typed[i:]
            yield (
                longer,
                _MISSING,
                i + 1,
                Typo("missing", i + 1, f"one digit missing at position {i + 1}"),
            )


def _deletions(typed: str) -> Iterator[tuple[str, int, int, Typo]]:
    """The typed number has a digit that the candidate lacks."""
    for i in range(len(typed)):
        shorter = typed[:i] + typed[i + 1 :]
        yield shorter, _EXTRA, i + 1, Typo("extra", i + 1, f"one extra digit at position {i + 1}")
