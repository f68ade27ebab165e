"""Working-day calendar for payment deadlines (rule 5; art. 22; Civil Procedure Law art. 85).

Working days follow the State Council's yearly holiday notice: days off (放假) and make-up
workdays (调休上班) on top of Monday–Friday. The schedules come from the chinesecalendar
package and from calendar files (config/calendars/<year>.toml, see the README there); a
file replaces the package's schedule for its year. A year with neither is counted on
weekends alone and every deadline that touches it is marked provisional.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

from reconcile.errors import ValueProblem

ONE_DAY = timedelta(days=1)
PACKAGE_SOURCE = "chinesecalendar package"
#: how many counts a calendar remembers before it starts afresh
REMEMBERED_ANSWERS = 100_000
_CALENDAR_FILE_NAME = re.compile(r"(?P<year>\d{4})\.toml")

#: A pause in the clock, both ends inclusive; an open end means the clock is still stopped.
Pause = tuple[date, date | None]


class InvalidCalendarFile(ValueProblem):
    """A calendar file is unreadable or contradicts itself."""


@dataclass(frozen=True)
class YearSchedule:
    year: int
    #: Weekdays off and any other days off the notice names (放假).
    days_off: frozenset[date]
    #: Weekend days worked in exchange (调休上班).
    make_up_workdays: frozenset[date]
    #: Where the schedule came from, e.g. the notice's title and number.
    source: str


@dataclass(frozen=True)
class Deadline:
    #: The last working day allowed; None when an open pause stopped the clock before it.
    due: date | None
    #: Some day consulted lies in a year with no published schedule (weekends only).
    provisional: bool
    unknown_years: tuple[int, ...]
    #: The clock is stopped by a pause with no end yet, so there is no due date.
    paused: bool = False


class WorkingDayCalendar:
    def __init__(self, schedules: Mapping[int, YearSchedule]) -> None:
        self._schedules = dict(schedules)
        # The schedules never change, so counts are remembered: a scan of 100,000 cases
        # asks the same few hundred questions over and over.
        self._between: dict[tuple[date, date], int] = {}
        self._unpaused: dict[tuple[date, int], Deadline] = {}

    @classmethod
    def from_sources(cls, calendar_dir: Path | None) -> WorkingDayCalendar:
        """Build from the package's schedules, overridden year by year by calendar files."""
        schedules = package_schedules()
        if calendar_dir is not None:
            schedules.update(load_calendar_dir(calendar_dir))
        return cls(schedules)

    def known_years(self) -> set[int]:
        """Return the years with a published schedule."""
        return set(self._schedules)

    def source_of(self, year: int) -> str | None:
        """Return where the schedule for year came from, or None if it is unknown."""
        schedule = self._schedules.get(year)
        return schedule.source if schedule else None

    def is_working_day(self, day: date) -> bool:
        """Tell whether day is a working day; in an unknown year, whether it is a weekday."""
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            if day in schedule.make_up_workdays:
                return True
            if day in schedule.days_off:
                return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> Deadline:
        """Return the n-th working day after start; start itself is not counted."""
        return self.add_working_days_with_pauses(start, n, [])

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days after start up to and including end (0 if end <= start)."""
        count = self._between.get((start, end))
        if count is None:
            days = (start + ONE_DAY * i for i in range(1, (end - start).days + 1))
            count = sum(1 for day in days if self.is_working_day(day))
            _remember(self._between, (start, end), count)
        return count

    def add_working_days_with_pauses(
        self, start: date, n: int, pauses: Iterable[Pause]
    ) -> Deadline:
        """Return the n-th working day after start, not counting days inside a pause.

        A pause with no end that the count runs into stops the clock: the result has
        due=None and paused=True. Days inside a pause are skipped without consulting the
        calendar, so they never make a deadline provisional.
        """
        if n < 0:
            raise ValueError(f"cannot count {n} working days")
        pauses = _checked(pauses)
        if not pauses:
            deadline = self._unpaused.get((start, n))
            if deadline is None:
                deadline = self._count(start, n, pauses)
                _remember(self._unpaused, (start, n), deadline)
            return deadline
        return self._count(start, n, pauses)

    def _count(self, start: date, n: int, pauses: list[Pause]) -> Deadline:
        unknown: set[int] = set()
        day, remaining = start, n
        while remaining:
            day += ONE_DAY
            pause = _pause_covering(day, pauses)
            if pause is not None:
                if pause[1] is None:
                    return _deadline(None, unknown, paused=True)
                day = pause[1]
                continue
            if day.year not in self._schedules:
                unknown.add(day.year)
            if self.is_working_day(day):
                remaining -= 1
        return _deadline(day, unknown)


def _remember(answers: dict, question: tuple, answer) -> None:
    if len(answers) >= REMEMBERED_ANSWERS:  # a long-running scheduler asks new ones daily
        answers.clear()
    answers[question] = answer


def _deadline(due: date | None, unknown: set[int], *, paused: bool = False) -> Deadline:
    return Deadline(due, bool(unknown), tuple(sorted(unknown)), paused)


def _checked(pauses: Iterable[Pause]) -> list[Pause]:
    pauses = list(pauses)
    for begin, end in pauses:
        if end is not None and end < begin:
            raise ValueError(f"pause ends ({end}) before it begins ({begin})")
    return pauses


def _pause_covering(day: date, pauses: list[Pause]) -> Pause | None:
    """Return the covering pause that lasts longest (an open one if any)."""
    covering = [p for p in pauses if p[0] <= day and (p[1] is None or day <= p[1])]
    return max(covering, key=lambda p: p[1] or date.max, default=None)


def package_schedules() -> dict[int, YearSchedule]:
    """Return the schedules the installed chinesecalendar package knows, by year."""
    years = {day.year for day in chinese_calendar.holidays}
    return {
        year: YearSchedule(
            year=year,
            days_off=frozenset(d for d in chinese_calendar.holidays if d.year == year),
            make_up_workdays=frozenset(d for d in chinese_calendar.workdays if d.year == year),
            source=f"{PACKAGE_SOURCE} {chinese_calendar.__version__}",
        )
        for year in range(min(years), max(years) + 1)
    }


def load_calendar_dir(calendar_dir: Path) -> dict[int, YearSchedule]:
    """Load every <year>.toml in calendar_dir; other files (README, examples) are ignored."""
    if not calendar_dir.is_dir():
        raise InvalidCalendarFile(
            "calendar directory {directory} does not exist", directory=str(calendar_dir)
        )
    schedules = {}
    for path in sorted(calendar_dir.glob("*.toml")):
        name = _CALENDAR_FILE_NAME.fullmatch(path.name)
        if name is None:
            raise InvalidCalendarFile(
                "{path}: calendar files are named {pattern}", path=str(path), pattern="<year>.toml"
            )
        schedules[int(name["year"])] = load_calendar_file(path)
    return schedules


def load_calendar_file(path: Path) -> YearSchedule:
    """Read one year's schedule from a calendar file and check it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidCalendarFile("{path}: {reason}", path=str(path), reason=str(error)) from error
    try:
        return _schedule_from(data, expected_year=int(path.stem))
    except InvalidCalendarFile as error:
        raise InvalidCalendarFile("{path}: {reason}", path=str(path), reason=error) from error


def _schedule_from(data: dict, expected_year: int) -> YearSchedule:
    year = data.get("year")
    if year != expected_year:
        raise InvalidCalendarFile(
            "year = {year}, but the file is named {expected_year}",
            year=repr(year),
            expected_year=expected_year,
        )
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InvalidCalendarFile("source must name the official notice")
    days_off = _dates(data, "holidays", year)
    make_up = _dates(data, "workdays", year)
    if both := days_off & make_up:
        raise InvalidCalendarFile(
            "dates both off and worked: {dates}",
            dates=", ".join(d.isoformat() for d in sorted(both)),
        )
    return YearSchedule(year, days_off, make_up, source.strip())


def _dates(data: dict, key: str, year: int) -> frozenset[date]:
    values = data.get(key)
    if not isinstance(values, list) or not all(_is_date(v) for v in values):
        raise InvalidCalendarFile(
            "{key} must be a list of dates such as {year}-01-01", key=key, year=year
        )
    if stray := [v for v in values if v.year != year]:
        raise InvalidCalendarFile(
            "{key} has dates outside {year}: {dates}",
            key=key,
            year=year,
            dates=", ".join(d.isoformat() for d in stray),
        )
    return frozenset(values)


def _is_date(value: object) -> bool:
    # tomllib gives datetime for 2027-01-01T00:00, which is a date subclass: reject it.
    return type(value) is date
