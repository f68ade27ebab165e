"""Sign-in attempt counters, shared by every worker: one row per key, locked while counted."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from reconcile.clock import as_utc
from reconcile.db.tables_users import sign_in_throttles
from reconcile.sign_in_throttle import Counter

t = sign_in_throttles.c


def locked_counter(conn: Connection, key: str, now) -> Counter | None:
    """Return the counter of `key` locked for this transaction (None: no failures yet).

    The row is made first, empty, so that there is always a row to lock: concurrent
    attempts on PostgreSQL queue on its row lock, on SQLite on the write lock."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(sign_in_throttles)
        .values(key=key, failures=0, since=now, last_at=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = conn.execute(select(sign_in_throttles).where(t.key == key).with_for_update()).one()
    if row.last_at is None:
        return None
    return Counter(row.failures, as_utc(row.since), as_utc(row.last_at))


def save_counter(conn: Connection, key: str, counter: Counter) -> None:
    conn.execute(
        update(sign_in_throttles)
        .where(t.key == key)
        .values(failures=counter.failures, since=counter.since, last_at=counter.last_at)
    )


def forget(conn: Connection, key: str) -> None:
    conn.execute(delete(sign_in_throttles).where(t.key == key))


def forget_older_than(conn: Connection, moment) -> None:
    """Forget counters untouched since `moment` (they count nothing any more)."""
    conn.execute(delete(sign_in_throttles).where(func.coalesce(t.last_at, t.since) < moment))
