"""How often one may try to sign in: per source address, and per account name from a source.

A source may fail `source_failures` times per `source_window` across all names; a name
from one source may fail `free_failures` times in a row, then waits `backoff` before each
further try, doubled per failure up to `backoff_max`. Nothing here locks an account for
everyone: another source (the real user at their desk) is never slowed by someone
else's failures. Every attempt counts as a failure until it succeeds, so attempts sent
at once cannot slip past the limit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

#: a name's failures from a source are forgotten this long after the last of them
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    free_failures: int
    backoff: timedelta
    backoff_max: timedelta
    source_failures: int
    source_window: timedelta

    @classmethod
    def from_settings(cls, web: dict) -> Policy:
        """Read the policy from settings [web]."""
        return cls(
            free_failures=web["sign_in_free_failures"],
            backoff=timedelta(seconds=web["sign_in_backoff_seconds"]),
            backoff_max=timedelta(seconds=web["sign_in_backoff_max_seconds"]),
            source_failures=web["sign_in_source_failures"],
            source_window=timedelta(minutes=web["sign_in_source_window_minutes"]),
        )


@dataclass(frozen=True)
class Counter:
    """Failures under one key: since the window began (a source) or in a row (a name)."""

    failures: int
    since: datetime
    last_at: datetime | None = None


def source_key(source: str) -> str:
    """Return the counter key of a source address."""
    return "source:" + sha256(source.encode()).hexdigest()


def pair_key(username: str, source: str) -> str:
    """Return the counter key of a name tried from a source (any name, known or not)."""
    return "pair:" + sha256(f"{username.casefold()}\n{source}".encode()).hexdigest()


def count_source_attempt(counter: Counter | None, now: datetime, policy: Policy) -> Counter | None:
    """Return the source's counter with this attempt counted, or None if it must wait."""
    if counter is None or now - counter.since >= policy.source_window:
        counter = Counter(0, now)
    if counter.failures >= policy.source_failures:
        return None
    return Counter(counter.failures + 1, counter.since, now)


def count_pair_attempt(counter: Counter | None, now: datetime, policy: Policy) -> Counter | None:
    """Return the name-from-source counter with this attempt counted, or None if it must wait."""
    if counter is None or counter.last_at is None or now - counter.last_at > FORGET_AFTER:
        counter = Counter(0, now)
    waited = counter.last_at is None or now >= counter.last_at + pair_wait(counter.failures, policy)
    if counter.failures >= policy.free_failures and not waited:
        return None
    return Counter(counter.failures + 1, counter.since, now)


def pair_wait(failures: int, policy: Policy) -> timedelta:
    """Return the wait after `failures` in a row: none at first, then doubling to the cap."""
    extra = failures - policy.free_failures
    if extra < 0:
        return timedelta(0)
    if extra >= 32:  # 2**32 times any backoff is past any sensible cap
        return policy.backoff_max
    return min(policy.backoff * 2**extra, policy.backoff_max)


def forgive_source(counter: Counter) -> Counter:
    """Return the source's counter without the attempt that succeeded."""
    return Counter(max(counter.failures - 1, 0), counter.since, counter.last_at)
