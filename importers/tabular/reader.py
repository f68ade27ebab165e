"""Read one export's rows as a Statement: find the header, pick the profile, stream the data.

A row that cannot be read rejects the whole file, naming line and field; summary lines
after the data (合计, 笔数, ---) end it, and a data row after them is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from itertools import chain, islice
from pathlib import Path

from importers.base import Statement, StatementLine, StatementParseError, UnknownLayout
from importers.tabular.balances import Progress, date_order, opening_and_closing
from importers.tabular.cells import (
    DATE_ORDERS,
    Cell,
    amount_currency,
    clean_text,
    date_orders,
    decimal_mark,
    is_blank,
    metadata_currency,
    parse_amount,
    parse_date,
    parse_time,
)
from importers.tabular.guess import layout_guess
from importers.tabular.header import header_forms, header_score, unit_currency
from importers.tabular.metadata import metadata_account, metadata_month, metadata_period
from importers.tabular.profiles import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    Profile,
    all_profiles,
    detect_profile,
)
from importers.tabular.rows import RowMapper, SkippedRow, amount_layout, map_header
from importers.tabular.sources import Row

MAX_LISTED = 1000  #: skipped lines listed one by one; beyond that only counted
DEFAULT_SUMMARY_MARKERS = ("合计", "总计", "笔数", "小计", "以上数据", "total")


class ExportReader:
    """Finds the header, picks the profile and streams the data rows of one export."""

    def __init__(
        self,
        rows: Iterator[Row],
        profile: Profile | None,
        profiles_dir: Path,
        saved: tuple[Profile, ...] = (),
    ) -> None:
        self.rows = iter(rows)
        self.profiles_dir = profiles_dir
        self.head = list(islice(self.rows, 60))
        if all(is_blank(cells) for _, cells in self.head):
            raise StatementParseError("the file holds no rows", line=1)
        if profile is not None and profile.refuse:
            raise StatementParseError(
                "not a bank statement: {refusal}", line=1, refusal=profile.refuse
            )
        if profile is None:
            self._refuse_what_is_no_statement()
        if profile is not None and profile.positions:
            sample = self._headerless(profile)
        else:
            sample = self._with_header(profile, saved)
        layout = amount_layout(self.columns, self.profile)
        order = self._date_order(sample)
        comma = self._decimal_comma(sample)
        self.data = chain(sample, self.rows)
        self.mapper = RowMapper(
            self.profile,
            self.columns,
            layout,
            date_order=order,
            decimal_comma=comma,
            currency=self._unit_currency() or self._metadata_currency(),
            cell_currency=self._cells_state_currency(sample),
            statement_month=metadata_month(self.profile, self.metadata),
        )
        self._check_time_as_date(sample)
        self.progress = Progress()

    def _refuse_what_is_no_statement(self) -> None:
        """Refuse a file of a layout known to be no bank statement (a profile's `refuse`)."""
        refusing = [p for p in all_profiles(self.profiles_dir).values() if p.refuse and p.detect]
        for number, cells in self.head:
            for known in refusing:
                if header_score(cells, self.profiles_dir, known):
                    raise StatementParseError(
                        "not a bank statement: {refusal}", line=number, refusal=known.refuse
                    )

    def _with_header(self, profile: Profile | None, saved: tuple[Profile, ...]) -> list[Row]:
        """Find the header row and map its columns; return the rows after it read so far."""
        position, taught = self._saved_header(saved) if profile is None else (None, None)
        if position is None:
            try:
                position = self._header_position(profile)
            except UnknownLayout:
                fitting = None if profile else self._fitting_positions(saved)
                if fitting is None:
                    raise
                return self._headerless(fitting)
        self.header_line, header = self.head[position]
        names = {form for cell in header for form, _ in header_forms(clean_text(cell))}
        self.profile = profile or taught or detect_profile(names, self.profiles_dir)
        if self.profile.refuse:
            raise StatementParseError(
                "not a bank statement: {refusal}",
                line=self.header_line,
                refusal=self.profile.refuse,
            )
        self.metadata = self.head[:position]
        self.names = [clean_text(cell) for cell in header]
        self.columns, notes = map_header(header, self.profile)
        self.warnings = [note for note in notes if note["kind"] != "time_as_date"]
        self.time_as_date = len(notes) != len(self.warnings)
        self._require_columns()
        return self.head[position + 1 :]

    def _headerless(self, profile: Profile) -> list[Row]:
        """Map the columns by the profile's positions: no header row; the rows above the
        first one whose date column reads as a date (and `skip_rows`) are metadata."""
        self.profile, self.header_line = profile, None
        self.columns = {
            name: [n - 1 for n in numbers] for name, numbers in profile.positions.items()
        }
        width = max(
            [len(cells) for _, cells in self.head]
            + [n for ns in profile.positions.values() for n in ns]
        )
        self.names = [f"column {n}" for n in range(1, width + 1)]
        self.warnings, self.time_as_date = [], False
        start = profile.skip_rows
        date_column = self.columns["booked_on"][0]
        while start < len(self.head) and not _reads_as_date(self.head[start][1], date_column):
            start += 1
        if start == len(self.head):
            start = profile.skip_rows  # no date at all: the first row is refused, naming it
        self.metadata = self.head[:start]
        return self.head[start:]

    def _fitting_positions(self, saved: tuple[Profile, ...]) -> Profile | None:
        """The headerless profile (a saved one, or one of the folder) whose positions read
        the first data rows: dates where the booking date is, amounts (or nothing) where
        amounts are, and no row wider than the profile expects. The one placing the most
        fields wins; None when none fits."""
        candidates = [*saved, *all_profiles(self.profiles_dir).values()]
        rows = [cells for _, cells in self.head if not is_blank(cells)]
        fitting = [c for c in candidates if c.positions and _fits_positions(rows, c)]
        return max(fitting, key=lambda c: len(c.positions), default=None)

    def _saved_header(self, saved: tuple[Profile, ...]) -> tuple[int | None, Profile | None]:
        """The header row and the saved profile (one the court taught) whose `detect`
        headers it holds all of; the profile naming the most wins. (None, None) if none."""
        best: tuple[int, int, Profile] | None = None
        for profile in saved:
            if not profile.detect:
                continue
            for index, (_, cells) in enumerate(self.head):
                if index < profile.skip_rows:
                    continue
                score = header_score(cells, self.profiles_dir, profile)
                if score and (best is None or score > best[0]):
                    best = (score, index, profile)
                if score:
                    break
        return (None, None) if best is None else (best[1], best[2])

    def _header_position(self, profile: Profile | None) -> int:
        start = profile.skip_rows if profile else 0
        scores = [
            header_score(cells, self.profiles_dir, profile) if index >= start else 0
            for index, (_, cells) in enumerate(self.head)
        ]
        best = max(scores, default=0)
        if best == 0 and _fixed_width(self.head):
            raise StatementParseError(
                "the file is text laid out in fixed-width columns (a statement converted from "
                "PDF or printed to a file), not an export with delimited columns: export the "
                "statement from online banking as CSV, Excel, MT940 or CAMT.053",
                line=1,
            )
        if best == 0:
            raise UnknownLayout(
                "no header row with a date and an amount column in the first rows: the layout "
                "is unknown (name a profile, or say which column is which)",
                layout_guess(self.head, self.profiles_dir),
                line=1,
            )
        return scores.index(best)

    def _require_columns(self) -> None:
        if "booked_on" not in self.columns:
            raise StatementParseError("no date column", line=self.header_line, field="booked_on")
        if not any(name in self.columns for name in AMOUNT_FIELDS):
            raise StatementParseError("no amount column", line=self.header_line, field="amount")

    def _date_columns(self) -> list[int]:
        return [self.columns[f][0] for f in DATE_FIELDS if self.columns.get(f)]

    def _date_order(self, sample: list[Row]) -> str | None:
        """Day/month or month/day, decided by the dates that can only be read one way.

        Rows are read ahead (and kept for the parse) until a date decides it: a file whose
        every date reads both ways (all days ≤ 12) is refused, naming the column.
        """
        if self.profile.date_order:
            return self.profile.date_order
        indexes = self._date_columns()
        possible, decided, ambiguous = set(DATE_ORDERS), None, None
        position = 0
        while True:
            if position == len(sample):
                if ambiguous is None or len(possible) == 1:
                    break
                row = next(self.rows, None)
                if row is None:
                    break
                sample.append(row)
            number, cells = sample[position]
            position += 1
            for index in indexes:
                if index >= len(cells):
                    continue
                orders = date_orders(cells[index])
                if not orders:
                    continue
                if len(orders) == 2:
                    ambiguous = ambiguous or (number, clean_text(cells[index]), index)
                    continue
                if not orders & possible:
                    first_line, first_text = decided
                    raise StatementParseError(
                        "the dates of column '{column}' are written both day first "
                        "and month first: '{first_date}' (line {first_line}) and "
                        "'{other_date}'",
                        line=number,
                        field="booked_on",
                        column=self.names[index],
                        first_date=first_text,
                        first_line=first_line,
                        other_date=clean_text(cells[index]),
                    )
                possible &= orders
                decided = decided or (number, clean_text(cells[index]))
        if len(possible) == 1:
            return next(iter(possible))
        if ambiguous is None:
            return None
        number, text, index = ambiguous
        raise StatementParseError(
            "the dates of column '{column}' may be day/month or month/day "
            "(such as '{example}') and no date in the file can only be read one way: name a "
            "profile with {setting}, or say the date order",
            line=number,
            field="booked_on",
            column=self.names[index],
            example=text,
            setting="date_formats",
        )

    def _decimal_comma(self, sample: list[Row]) -> bool:
        """Whether the money columns write `1.234,56`: told by the amounts that can only be
        read one way; `.` when none can tell. Both ways in one file refuse it."""
        if self.profile.decimal_mark:
            return self.profile.decimal_mark == ","
        indexes = [
            self.columns[f][0]
            for f in ("amount", "debit", "credit", "balance")
            if self.columns.get(f)
        ]
        seen: dict[str, tuple[int, str, int]] = {}
        for number, cells in sample:
            for index in indexes:
                cell = cells[index] if index < len(cells) else None
                if cell.__class__ is not str:
                    continue
                mark = decimal_mark(cell)
                if mark and mark not in seen:
                    seen[mark] = (number, clean_text(cell), index)
        if len(seen) == 2:
            (line_a, text_a, _), (line_b, text_b, index) = seen["."], seen[","]
            raise StatementParseError(
                "the amounts are written with a decimal point ('{point_amount}', line "
                "{point_line}) and with a decimal comma ('{comma_amount}', line {comma_line})",
                line=max(line_a, line_b),
                field=self.names[index],
                point_amount=text_a,
                point_line=line_a,
                comma_amount=text_b,
                comma_line=line_b,
            )
        return "," in seen

    def _unit_currency(self) -> str | None:
        for field_name in ("amount", "debit", "credit"):
            for index in self.columns.get(field_name, ()):
                if currency := unit_currency(self.names[index]):
                    return currency
        return None

    def _metadata_currency(self) -> str | None:
        """The currency the rows above the header state: `Currency: SGD`, `币种：美元`, or
        a cell holding nothing but a currency code (`Account Number:, 1234, SGD`)."""
        return metadata_currency(self.metadata)

    def _cells_state_currency(self, sample: list[Row]) -> bool:
        """Whether the amounts carry their currency (`579,68 USD`, `$12.00`): then each
        line's currency is read from its amount."""
        indexes = [i for f in ("amount", "debit", "credit") for i in self.columns.get(f, ())[:1]]
        for _, cells in sample[:200]:
            for index in indexes:
                cell = cells[index] if index < len(cells) else None
                if cell.__class__ is str and amount_currency(cell):
                    return True
        return False

    def _check_time_as_date(self, sample: list[Row]) -> None:
        """A `交易时间` column read as the date must hold dates, not only times."""
        if not self.time_as_date:
            return
        index = self.columns["booked_on"][0]
        for number, cells in sample:
            cell = cells[index] if index < len(cells) else None
            if not clean_text(cell):
                continue
            try:
                self.mapper.booking_date(cells)
            except ValueError:
                try:
                    parse_time(cell)
                except ValueError:
                    return  # not a time either: the row itself is refused, or ends the data
                raise StatementParseError(
                    "no date column: '{column}' holds times only",
                    line=number,
                    field="booked_on",
                    column=self.names[index],
                ) from None
            return

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
            extra={
                "profile": self.profile.name,
                "header_line": self.header_line,
                "warnings": list(self.warnings),
                "date_order": None,
            },
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
            if not line.amount:
                progress.skipped["zero_amount"] = progress.skipped.get("zero_amount", 0) + 1
                if len(progress.skipped_lines) < MAX_LISTED:
                    progress.skipped_lines.append(
                        {"line": number, "reason": "a line of 0.00 moves no money"}
                    )
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
                "a data row ({booked_on}, {amount}) follows the summary at line {summary_line}",
                line=number,
                booked_on=line.booked_on.isoformat(),
                amount=str(line.amount),
                summary_line=summary_line,
            )

    def _finishing(self, lines: Iterator[StatementLine], statement: Statement):
        yield from lines
        progress = self.progress
        statement.period_start, statement.period_end = self._period()
        statement.extra["skipped_rows"] = dict(progress.skipped)
        statement.extra["skipped_lines"] = list(progress.skipped_lines)
        order = date_order(progress)
        if self.profile.check_running_balance and not progress.balance_problem:
            broken = {"ascending": progress.rising_breaks, "descending": progress.falling_breaks}
            statement.extra["balance_breaks"] = [b.as_dict() for b in broken.get(order, [])]
        statement.extra["date_order"] = order
        statement.extra["day_month_order"] = self.mapper.date_order
        opening, closing, problem = opening_and_closing(progress, order)
        statement.opening_balance, statement.closing_balance = opening, closing
        if problem:
            statement.extra["balance_unavailable"] = problem

    def _period(self) -> tuple[date | None, date | None]:
        stated = metadata_period(self.profile, self.metadata)
        return stated or (self.progress.earliest, self.progress.latest)


#: data rows a headerless profile must read to be taken for a file
FIT_ROWS = 5


def _reads_as_date(cells: list[Cell], index: int) -> bool:
    cell = cells[index] if index < len(cells) else None
    if not clean_text(cell):
        return False
    try:
        parse_date(cell)
    except ValueError:
        return bool(date_orders(cell))
    return True


def _fits_positions(rows: list[list[Cell]], profile: Profile) -> bool:
    """Whether the first rows with a date where the profile's booking date is can be read
    as its data: amounts or blanks in its money columns, and an amount in one of them."""
    date_column = profile.positions["booked_on"][0] - 1
    data = [cells for cells in rows if _reads_as_date(cells, date_column)][:FIT_ROWS]
    if not data:
        return False
    money = [n - 1 for f in (*AMOUNT_FIELDS, "balance") for n in profile.positions.get(f, ())]
    for cells in data:
        if not any(index < len(cells) and clean_text(cells[index]) for index in money):
            return False
        for index in money:
            cell = cells[index] if index < len(cells) else None
            if clean_text(cell) and not _is_money(cell):
                return False
    return True


def _is_money(cell: Cell) -> bool:
    try:
        return parse_amount(cell, decimal_mark(clean_text(cell)) == ",") is not None
    except ValueError:
        return False


_WIDE_GAP = re.compile(r"\S {3,}\S")


def _fixed_width(rows: list[Row]) -> bool:
    """Whether the rows are words spaced into columns (PDF text), not delimited cells:
    most rows hold a wide gap inside a cell, and few cells (a comma in `7,99` splits one)."""
    filled = [[clean_text(c) for c in cells if clean_text(c)] for _, cells in rows]
    filled = sorted((cells for cells in filled if cells), key=len)
    spaced = [cells for cells in filled if any(_WIDE_GAP.search(text) for text in cells)]
    few_cells = bool(filled) and len(filled[len(filled) // 2]) <= 2
    return len(filled) >= 5 and few_cells and len(spaced) >= 0.6 * len(filled)
