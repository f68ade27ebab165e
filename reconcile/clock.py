"""Time: stored in UTC, shown in the court's local time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

COURT_TZ = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; a naive value (as SQLite gives back) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_iso(moment: datetime | None) -> str | None:
    """Return ISO 8601 with the court's offset, e.g. 2024-01-05T09:30:00+08:00."""
    if moment is None:
        return None
    return as_utc(moment).astimezone(COURT_TZ).isoformat(timespec="seconds")


def local_today() -> date:
    """Return today's date in the court's local time."""
    return utc_now().astimezone(COURT_TZ).date()


def local_day(moment: datetime) -> date:
    """Return the court's local date of a moment (stored moments are UTC)."""
    return as_utc(moment).astimezone(COURT_TZ).date()
