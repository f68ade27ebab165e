"""Read one export's rows as a Statement: find the header, pick the profile, stream the data.

A row that cannot be read rejects the whole file, naming line and field; summary lines
after the data (合计, 笔数, ---) end it, and a data row after them is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import chain, islice
from pathlib import Path

from importers.base import Statement, StatementLine, StatementParseError
from importers.tabular.balances import Progress, date_order, opening_and_closing
from importers.tabular.cells import Cell, clean_text, is_blank
from importers.tabular.header import header_score
from importers.tabular.metadata import metadata_account, metadata_period
from importers.tabular.profiles import AMOUNT_FIELDS, Profile, detect_profile, normalise_header
from importers.tabular.rows import RowMapper, SkippedRow, amount_layout, map_columns
from importers.tabular.sources import Row

DEFAULT_SUMMARY_MARKERS = ("合计", "总计", "笔数", "小计", "以上数据", "total")


class ExportReader:
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
        self.progress = Progress()

    def _header_position(self, profile: Profile | None) -> int:
        start = profile.skip_rows if profile else 0
        scores = [
            header_score(cells, self.profiles_dir, profile) if index >= start else 0
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
        account = metadata_account(self.profile, self.metadata)
        account = account or (first.extra.get("account") if first else None)
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
        order = date_order(progress)
        if self.profile.check_running_balance and not progress.balance_problem:
            broken = {"ascending": progress.rising_break, "descending": progress.falling_break}
            if order in broken and broken[order] is not None:
                raise broken[order].error()
        statement.extra["date_order"] = order
        opening, closing, problem = opening_and_closing(progress, order)
        statement.opening_balance, statement.closing_balance = opening, closing
        if problem:
            statement.extra["balance_unavailable"] = problem

    def _period(self) -> tuple[date | None, date | None]:
        stated = metadata_period(self.profile, self.metadata)
        return stated or (self.progress.earliest, self.progress.latest)
