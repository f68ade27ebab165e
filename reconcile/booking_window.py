"""The booking dates a statement line may plausibly carry ([imports] booking_* settings).

A bank books a line on a day that has come (a day's tolerance for a file made just after
midnight, or a bank whose clock is ahead of the court's) and, for a statement still worth
reconciling, within the ten years bank statements are kept (会计档案管理办法, 附表一);
a court may also set the day its collection account was opened. A date outside is a
mistyped or forged file, refused before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from reconcile.errors import Message
from reconcile.settings import SettingsError


@dataclass(frozen=True)
class BookingWindow:
    """How far ahead of the court's today and how far back a booking date may be."""

    future_days: int = 1
    past_years: int = 10  #: 0: no limit by age
    not_before: date | None = None

    @classmethod
    def from_settings(cls, imports: Mapping) -> BookingWindow:
        """Read the window from the `[imports]` settings."""
        earliest = str(imports.get("booking_not_before") or "").strip()
        try:
            return cls(
                future_days=int(imports.get("booking_future_days", cls.future_days)),
                past_years=int(imports.get("booking_past_years", cls.past_years)),
                not_before=date.fromisoformat(earliest) if earliest else None,
            )
        except ValueError as e:
            raise SettingsError(f"[imports] booking_*: {e}") from e

    def bounds(self, today: date) -> tuple[date | None, date]:
        """Return the earliest (None: none) and the latest plausible booking date."""
        earliest = _years_before(today, self.past_years) if self.past_years > 0 else None
        if self.not_before and (earliest is None or self.not_before > earliest):
            earliest = self.not_before
        return earliest, today + timedelta(days=self.future_days)


def implausible(day: date | None, bounds: tuple[date | None, date]) -> Message | None:
    """Say why `day` is outside `bounds` (BookingWindow.bounds), or None when it is not."""
    earliest, latest = bounds
    if day is None:
        return None
    if day > latest:
        return Message(
            "{day} is in the future (the latest date accepted: {latest})",
            {"day": day.isoformat(), "latest": latest.isoformat()},
        )
    if earliest is not None and day < earliest:
        return Message(
            "{day} is before {earliest}, the earliest date accepted",
            {"day": day.isoformat(), "earliest": earliest.isoformat()},
        )
    return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
