"""Chinese online-banking and payment-app exports: CSV/TSV text, XLSX, XLS, HTML tables.

The layout comes from a profile (config/csv_profiles/*.toml): named, or detected from the
header row, or the built-in aliases of `auto`. The header row is found by scoring known
header names in the first rows; metadata above it gives the account, summary lines after
the data end it. A row that cannot be read rejects the whole file, naming line and field.

Balances: opening = first row's balance − its amount, closing = last row's balance, in
date order; a file sorted newest-first is read the other way round, one that is in no
date order gets no balances (`extra["balance_unavailable"]` says why), as does one whose
balance column holds no numbers (anonymised exports). Opening, closing and the period are
set once the lines are exhausted.

Running balance: in a file in date order, every row's balance must be the previous row's
balance plus the row's amount (previous in time: the next row of a newest-first file). A
break means a missing or altered line and rejects the file, naming the line, once the lines
are exhausted (only then is the order known). Rows all of one day take the order their
balances follow. A profile whose balance column means something else turns the check off
(`check_running_balance = false`).
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

from importers.base import Statement, StatementLine, StatementParseError
from importers.tabular_cells import Cell, clean_text, is_blank, parse_date, text_value
from importers.tabular_profiles import (
    AMOUNT_FIELDS,
    PROFILES_DIR,
    Profile,
    all_profiles,
    detect_profile,
    load_profile,
    normalise_header,
)
from importers.tabular_rows import RowMapper, SkippedRow, amount_layout, map_columns
from importers.tabular_sources import (
    HEAD_BYTES,
    Row,
    _Rewound,
    container_of,
    guess_encoding,
    html_rows,
    text_rows,
    xls_rows,
    xlsx_rows,
)

_ZERO = Decimal(0)
DEFAULT_SUMMARY_MARKERS = ("合计", "总计", "笔数", "小计", "以上数据", "total")


class TabularImporter:
    """Read spreadsheet-like bank exports as one Statement, driven by a profile."""

    format = "csv"

    def __init__(self, profile: str | None = None, profiles_dir: Path = PROFILES_DIR) -> None:
        self.profiles_dir = profiles_dir
        self.profile = load_profile(profile, profiles_dir) if profile else None

    def identify(self, head: bytes) -> bool:
        """Tell a spreadsheet or a delimited text with a recognisable header row."""
        container = container_of(head)
        if container in ("xlsx", "xls"):
            return True
        text = head.decode(guess_encoding(head), errors="ignore")
        rows = [re.split(r"[,\t;]|</t[dh]>", line) for line in text.splitlines()[:40]]
        return any(_header_score(row, self.profiles_dir) for row in rows)

    def parse(self, stream: BinaryIO) -> Iterator[Statement]:
        """Yield the file's single statement; its lines stream row by row."""
        head = stream.read(HEAD_BYTES)
        if not head.strip():
            raise StatementParseError("the file is empty", line=1)
        container = container_of(head)
        encoding = self._encoding(head)
        rows = self._rows(container, head, stream, encoding)
        reader = _ExportReader(rows, self.profile, self.profiles_dir)
        statement = reader.statement()
        text_encoding = encoding if container in ("text", "html") else None
        statement.extra.update(container=container, encoding=text_encoding)
        yield statement

    def _encoding(self, head: bytes) -> str:
        declared = self.profile.encoding if self.profile else "auto"
        return guess_encoding(head) if declared == "auto" else declared

    def _rows(self, container: str, head: bytes, stream: BinaryIO, encoding: str):
        whole = io.BufferedReader(_Rewound(head, stream))
        if container == "xlsx":
            return xlsx_rows(whole)
        if container == "xls":
            return xls_rows(whole)
        if container == "html":
            return html_rows(whole, None if encoding == "auto" else encoding)
        return text_rows(head, stream, encoding, lambda rows: _best_score(rows, self.profiles_dir))


@dataclass(frozen=True)
class _Break:
    """A row whose balance is not the balance before it plus its amount."""

    line: int | None
    balance: Decimal
    before: Decimal
    amount: Decimal

    def error(self) -> StatementParseError:
        sign = "-" if self.amount < 0 else "+"
        return StatementParseError(
            f"balance {self.balance:,} does not follow {self.before:,} {sign} {abs(self.amount):,}",
            line=self.line,
        )


@dataclass
class _Progress:
    """What the lines seen so far say about balances, order and period.

    The running balance is followed both ways at once, since the order is known only at
    the end: `rising` is the balance before the next row read oldest-first (the last
    balance plus the amounts of rows without one); `newer` the last row with a balance,
    which the next row with one must lead to when the file is newest-first, `carried`
    the amounts of the rows without one between them. Each way keeps its first break.
    """

    first: tuple[Decimal | None, Decimal] | None = None
    last: tuple[Decimal | None, Decimal] | None = None
    previous_day: date | None = None
    ascending: bool = True
    descending: bool = True
    earliest: date | None = None
    latest: date | None = None
    balance_problem: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    rising: Decimal | None = None
    rising_break: _Break | None = None
    newer: tuple[int | None, Decimal, Decimal] | None = None
    carried: Decimal = _ZERO
    falling_break: _Break | None = None

    def add(self, line: StatementLine, balance: Decimal | None) -> None:
        day = line.booked_on
        previous = self.previous_day
        if previous is None:
            self.earliest = self.latest = day
        elif day < previous:
            self.ascending = False
            self.earliest = min(self.earliest, day)
        elif day > previous:
            self.descending = False
            self.latest = max(self.latest, day)
        self.previous_day = day
        self.last = (balance, line.amount)
        if self.first is None:
            self.first = self.last
        if balance is not None:
            self._follow(line.source_line, balance, line.amount)
        elif self.rising is not None:  # a row without a balance in a file with balances
            self.rising += line.amount
            self.carried += line.amount

    def _follow(self, number: int | None, balance: Decimal, amount: Decimal) -> None:
        """Check both ways while the dates still allow that way (`add` has just updated them)."""
        rising = self.rising
        if (
            self.ascending
            and rising is not None
            and self.rising_break is None
            and rising + amount != balance
        ):
            self.rising_break = _Break(number, balance, rising, amount)
        self.rising = balance
        if self.descending:
            newer = self.newer
            if newer is not None and self.falling_break is None:
                newer_line, newer_balance, newer_amount = newer
                before = balance + self.carried
                if before + newer_amount != newer_balance:
                    self.falling_break = _Break(newer_line, newer_balance, before, newer_amount)
            self.newer = (number, balance, amount)
            self.carried = _ZERO


class _ExportReader:
    """Finds the header, picks the profile and streams the data rows of one export."""

    def __init__(self, rows: Iterator[Row], profile: Profile | None, profiles_dir: Path) -> None:
        self.rows = iter(rows)
        self.profiles_dir = profiles_dir
        self.head = list(islice(self.rows, 60))
        if all(is_blank(cells) for _, cells in self.head):
            raise StatementParseError("the file holds no rows", line=1)
        position = self._header_position(profile)
        self.header_line, header = self.head[position]
        names = {normalise_header(clean_text(cell)) for cell in header}
        self.profile = profile or detect_profile(names, profiles_dir)
        self.metadata = self.head[:position]
        self.data = chain(self.head[position + 1 :], self.rows)
        self.columns = map_columns(header, self.profile)
        self._require_columns()
        layout = amount_layout(self.columns, self.profile)
        self.mapper = RowMapper(self.profile, self.columns, layout)
        self.progress = _Progress()

    def _header_position(self, profile: Profile | None) -> int:
        start = profile.skip_rows if profile else 0
        scores = [
            _header_score(cells, self.profiles_dir, profile) if index >= start else 0
            for index, (_, cells) in enumerate(self.head)
        ]
        best = max(scores, default=0)
        if best == 0:
            raise StatementParseError(
                "no header row with a date and an amount column in the first rows", line=1
            )
        return scores.index(best)

    def _require_columns(self) -> None:
        if "booked_on" not in self.columns:
            raise StatementParseError("no date column", line=self.header_line, field="booked_on")
        if not any(name in self.columns for name in AMOUNT_FIELDS):
            raise StatementParseError("no amount column", line=self.header_line, field="amount")

    def statement(self) -> Statement:
        """Build the Statement; peek at the first line so the account is known up front."""
        lines = self._lines()
        first = next(lines, None)
        account = self._metadata_account() or (first.extra.get("account") if first else None)
        statement = Statement(
            account=account,
            currency=first.currency if first else self.profile.currency,
            lines=iter(()),
            extra={"profile": self.profile.name, "header_line": self.header_line},
        )
        statement.lines = self._finishing(chain([first] if first else [], lines), statement)
        return statement

    def _lines(self) -> Iterator[StatementLine]:
        mapper, progress = self.mapper, self.progress
        for number, cells in self.data:
            if is_blank(cells):
                continue
            try:
                booked = mapper.booking_date(cells)
            except ValueError:
                if self._is_summary(cells):
                    self._refuse_data_after_summary(number)
                    return
                booked = None  # not a date: line() names the row and the field
            try:
                line = mapper.line(number, cells, booked)
            except SkippedRow as skipped:
                progress.skipped[skipped.kind] = progress.skipped.get(skipped.kind, 0) + 1
                continue
            try:
                balance = mapper.balance(cells)
            except ValueError as error:
                balance = None
                progress.balance_problem = progress.balance_problem or f"line {number}: {error}"
            progress.add(line, balance)
            yield line

    def _is_summary(self, cells: list[Cell]) -> bool:
        """Tell a total row (合计, 笔数, ---) from a data row; called for rows without a date."""
        markers = self.profile.summary_markers or DEFAULT_SUMMARY_MARKERS
        texts = [clean_text(c).lower() for c in cells]
        first = next((t for t in texts if t), "")
        return first.startswith("---") or any(m in t for t in texts for m in markers)

    def _refuse_data_after_summary(self, summary_line: int) -> None:
        for number, cells in self.data:
            try:
                line = self.mapper.line(number, cells)
            except (StatementParseError, SkippedRow):
                continue
            raise StatementParseError(
                f"a data row ({line.booked_on}, {line.amount}) follows the summary at line "
                f"{summary_line}",
                line=number,
            )

    def _finishing(self, lines: Iterator[StatementLine], statement: Statement):
        yield from lines
        progress = self.progress
        statement.period_start, statement.period_end = self._period()
        statement.extra["skipped_rows"] = dict(progress.skipped)
        order = _order(progress)
        if self.profile.check_running_balance and not progress.balance_problem:
            broken = {"ascending": progress.rising_break, "descending": progress.falling_break}
            if order in broken and broken[order] is not None:
                raise broken[order].error()
        statement.extra["date_order"] = order
        opening, closing, problem = _balances(progress, order)
        statement.opening_balance, statement.closing_balance = opening, closing
        if problem:
            statement.extra["balance_unavailable"] = problem

    def _period(self) -> tuple[date | None, date | None]:
        pattern = self.profile.period_pattern
        text = self._metadata_text() if pattern else ""
        match = pattern and re.search(pattern, text)
        if match:
            try:
                return parse_date(match["start"])[0], parse_date(match["end"])[0]
            except ValueError as error:
                number = self.metadata[text.count("\n", 0, match.start())][0]
                raise StatementParseError(
                    f"the statement period is not a date: {error}", line=number, field="period"
                ) from error
        return self.progress.earliest, self.progress.latest

    def _metadata_account(self) -> str | None:
        if self.profile.account_cell:
            column, row = _cell_reference(self.profile.account_cell)
            for number, cells in self.metadata:
                if number == row and column < len(cells):
                    return text_value(cells[column])
        if self.profile.account_pattern:
            match = re.search(self.profile.account_pattern, self._metadata_text())
            if match:
                return match["account"].strip()
        return self._labelled_account()

    def _labelled_account(self) -> str | None:
        """The number after a label such as 账号, 卡号 or Account No. in the metadata rows.

        Digit groups are joined (`0200 0010 0901` → `020000100901`); a masked number keeps
        its asterisks, so the import knows it is not the whole number.
        """
        if not self.profile.account_labels:
            return None
        pattern = _account_label_pattern(self.profile.account_labels)
        for _, cells in self.metadata:
            # cells joined by tabs: a number never runs on into the next cell
            text = "\t".join(clean_text(c) for c in cells)
            for match in pattern.finditer(text):
                account = match["account"].replace(" ", "")
                if sum(c.isdigit() for c in account) >= 4 and not _is_date(account):
                    return account
        return None

    def _metadata_text(self) -> str:
        return "\n".join(" ".join(clean_text(c) for c in cells) for _, cells in self.metadata)


def _order(progress: _Progress) -> str:
    if progress.ascending and progress.descending:  # one day (or none): the balances tell
        held = progress.falling_break is None
        return "descending" if progress.rising_break is not None and held else "ascending"
    if progress.ascending:
        return "ascending"
    return "descending" if progress.descending else "unordered"


def _balances(progress: _Progress, order: str):
    """Opening, closing and why they are missing, from the first and last rows."""
    if progress.first is None:
        return None, None, "no lines"
    if progress.balance_problem:
        return None, None, progress.balance_problem
    if order == "unordered":
        return None, None, "rows are not in date order"
    oldest, newest = (
        (progress.first, progress.last)
        if order == "ascending"
        else (
            progress.last,
            progress.first,
        )
    )
    if oldest[0] is None or newest[0] is None:
        return None, None, "no balance column" if oldest[0] is None else "last balance is empty"
    return oldest[0] - oldest[1], newest[0], None


def _header_score(cells: list[Cell], profiles_dir: Path, profile: Profile | None = None) -> int:
    """Count the fields a row names as headers; 0 unless it names a date and an amount."""
    names = {normalise_header(clean_text(cell)) for cell in cells}
    if profile and profile.detect:
        wanted = {normalise_header(h) for h in profile.detect}
        return len(wanted) if wanted <= names else 0
    index = _alias_index(profiles_dir)
    fields = {field_name for name in names for field_name in index.get(name, ())}
    dated = fields & {"booked_on", "transaction_date"}
    return len(fields) if dated and fields & {*AMOUNT_FIELDS} else 0


def _best_score(rows: list[list[str]], profiles_dir: Path) -> int:
    return max((_header_score(row, profiles_dir) for row in rows), default=0)


_ALIASES: dict[Path, dict[str, set[str]]] = {}


def _alias_index(profiles_dir: Path) -> dict[str, set[str]]:
    """Every header name any profile knows, with the fields it can stand for."""
    if profiles_dir not in _ALIASES:
        index: dict[str, set[str]] = {}
        for profile in all_profiles(profiles_dir).values():
            for field_name in profile.columns:
                for alias in profile.aliases(field_name):
                    index.setdefault(alias, set()).add(field_name)
        _ALIASES[profiles_dir] = index
    return _ALIASES[profiles_dir]


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
