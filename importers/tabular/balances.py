"""What the rows of an export say about its balances, date order and period.

Opening = first row's balance − its amount, closing = last row's balance, in date order;
a file sorted newest-first is read the other way round, one that is in no date order gets
no balances. The running balance is checked both ways at once, since the order is known
only once the rows are exhausted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from importers.base import StatementLine, StatementParseError

_ZERO = Decimal(0)
MAX_BREAKS = 1000  #: breaks listed per statement; a file with more is broken throughout


@dataclass(frozen=True)
class Break:
    """A row whose balance is not the balance before it plus its amount."""

    line: int | None
    balance: Decimal
    before: Decimal
    amount: Decimal

    def as_dict(self) -> dict:
        """The break as the import report lists it: line, expected and found balance."""
        return {
            "line": self.line,
            "expected": format(self.before + self.amount, "f"),
            "found": format(self.balance, "f"),
            "reason": str(self.error().reason),
        }

    def error(self) -> StatementParseError:
        balance, before, change = (f"{x:,}" for x in (self.balance, self.before, abs(self.amount)))
        if self.amount < 0:
            return StatementParseError(
                "balance {balance} does not follow {before} - {change}",
                line=self.line,
                balance=balance,
                before=before,
                change=change,
            )
        return StatementParseError(
            "balance {balance} does not follow {before} + {change}",
            line=self.line,
            balance=balance,
            before=before,
            change=change,
        )


@dataclass
class Progress:
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
    rising_breaks: list[Break] = field(default_factory=list)
    newer: tuple[int | None, Decimal, Decimal] | None = None
    carried: Decimal = _ZERO
    falling_breaks: list[Break] = field(default_factory=list)
    skipped_lines: list[dict] = field(default_factory=list)

    @property
    def rising_break(self) -> Break | None:
        return self.rising_breaks[0] if self.rising_breaks else None

    @property
    def falling_break(self) -> Break | None:
        return self.falling_breaks[0] if self.falling_breaks else None

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
            and rising + amount != balance
            and len(self.rising_breaks) < MAX_BREAKS
        ):
            self.rising_breaks.append(Break(number, balance, rising, amount))
        self.rising = balance
        if self.descending:
            newer = self.newer
            if newer is not None and len(self.falling_breaks) < MAX_BREAKS:
                newer_line, newer_balance, newer_amount = newer
                before = balance + self.carried
                if before + newer_amount != newer_balance:
                    self.falling_breaks.append(
                        Break(newer_line, newer_balance, before, newer_amount)
                    )
            self.newer = (number, balance, amount)
            self.carried = _ZERO


def date_order(progress: Progress) -> str:
    """Name the order of the rows: ascending, descending or unordered."""
    if progress.ascending and progress.descending:  # one day (or none): the balances tell
        held = progress.falling_break is None
        return "descending" if progress.rising_break is not None and held else "ascending"
    if progress.ascending:
        return "ascending"
    return "descending" if progress.descending else "unordered"


def opening_and_closing(progress: Progress, order: str):
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
