"""What the metadata rows above an export's header say: its account and its period."""

from __future__ import annotations

import functools
import re
from datetime import date

from importers.base import StatementParseError
from importers.tabular.cells import clean_text, parse_date, text_value
from importers.tabular.profiles import Profile
from importers.tabular.sources import Row


def metadata_period(profile: Profile, metadata: list[Row]) -> tuple[date, date] | None:
    """Read the statement period the profile's pattern finds in the metadata, if any."""
    pattern = profile.period_pattern
    text = _metadata_text(metadata) if pattern else ""
    match = pattern and re.search(pattern, text)
    if match:
        try:
            return parse_date(match["start"])[0], parse_date(match["end"])[0]
        except ValueError as error:
            number = metadata[text.count("\n", 0, match.start())][0]
            raise StatementParseError(
                "the statement period is not a date: {problem}",
                line=number,
                field="period",
                problem=str(error),
            ) from error
    return None


def metadata_month(profile: Profile, metadata: list[Row]) -> tuple[int, int] | None:
    """The statement's (year, month) the profile's `year_pattern` finds above the header
    (month 12 when the pattern has no `month` group); None without a pattern or a match."""
    if not profile.year_pattern:
        return None
    match = re.search(profile.year_pattern, _metadata_text(metadata))
    if not match:
        return None
    groups = match.groupdict()
    month = int(groups["month"]) if groups.get("month") else 12
    year = int(match["year"])
    if not 1 <= month <= 12 or year < 1900:
        number = metadata[_metadata_text(metadata).count("\n", 0, match.start())][0]
        raise StatementParseError(
            "the statement's month '{value}' is not a month",
            line=number,
            field="period",
            value=match[0],
        )
    return year, month


def metadata_account(profile: Profile, metadata: list[Row]) -> str | None:
    """Read the account: the profile's cell, its pattern, or a number after a label."""
    if profile.account_cell:
        column, row = _cell_reference(profile.account_cell)
        for number, cells in metadata:
            if number == row and column < len(cells):
                return text_value(cells[column])
    if profile.account_pattern:
        match = re.search(profile.account_pattern, _metadata_text(metadata))
        if match:
            return match["account"].strip()
    return _labelled_account(profile.account_labels, metadata)


def _labelled_account(labels: tuple[str, ...], metadata: list[Row]) -> str | None:
    """The number after a label such as 账号, 卡号 or Account No. in the metadata rows.

    Digit groups are joined (`0200 0010 0901` → `020000100901`); a masked number keeps
    its asterisks, so the import knows it is not the whole number.
    """
    if not labels:
        return None
    pattern = _account_label_pattern(labels)
    for _, cells in metadata:
        # cells joined by tabs: a number never runs on into the next cell
        text = "\t".join(clean_text(c) for c in cells)
        for match in pattern.finditer(text):
            account = match["account"].replace(" ", "")
            if sum(c.isdigit() for c in account) >= 4 and not _is_date(account):
                return account
    return None


def _metadata_text(metadata: list[Row]) -> str:
    return "\n".join(" ".join(clean_text(c) for c in cells) for _, cells in metadata)


@functools.cache
def _account_label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    """Any label (spaces inside it and a final dot optional), an optional colon, then a
    number: digits and asterisks in groups split by single spaces or dashes, not running on
    into letters."""
    spelled = {"".join(label.split()).rstrip(".") for label in labels} - {""}
    alternatives = "|".join(
        r"\s*".join(map(re.escape, label)) + r"\.?"
        for label in sorted(spelled, key=len, reverse=True)
    )
    return re.compile(
        rf"(?:^|(?<=[\s,;|(（]))(?:{alternatives})\s*[:：]?\s*"
        r"(?P<account>[0-9*]+(?:[ -][0-9*]+)*)(?![0-9A-Za-z*]|[.,]\d)",
        re.IGNORECASE,
    )


def _is_date(text: str) -> bool:
    """Tell a date (`Statement of account 2024-01-01`) from an account number."""
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


def _cell_reference(reference: str) -> tuple[int, int]:
    """'B4' → (column index 1, row number 4)."""
    letters = reference.rstrip("0123456789")
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column - 1, int(reference[len(letters) :])
