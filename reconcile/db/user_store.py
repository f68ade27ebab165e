"""Staff accounts: stored with a password hash, one role and their courts."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from reconcile.clock import utc_now
from reconcile.db.tables import courts
from reconcile.db.tables_users import user_courts, users

u = users.c


def insert_user(
    conn: Connection, *, username: str, password_hash: str, role: str, court_ids: list[int]
) -> int:
    user_id = conn.execute(
        insert(users).values(
            username=username, password_hash=password_hash, role=role, created_at=utc_now()
        )
    ).inserted_primary_key[0]
    conn.execute(insert(user_courts), [{"user_id": user_id, "court_id": c} for c in court_ids])
    return user_id


def user_by_username(conn: Connection, username: str) -> dict | None:
    """Return the user with this name and their court codes, or None."""
    return _with_courts(conn, select(users).where(u.username == username))


def user_by_id(conn: Connection, user_id: int) -> dict | None:
    """Return the user with this id and their court codes, or None."""
    return _with_courts(conn, select(users).where(u.id == user_id))


def _with_courts(conn: Connection, query) -> dict | None:
    row = conn.execute(query).one_or_none()
    if row is None:
        return None
    codes = conn.execute(
        select(courts.c.code)
        .join(user_courts, user_courts.c.court_id == courts.c.id)
        .where(user_courts.c.user_id == row.id)
    ).scalars()
    return {**row._mapping, "courts": frozenset(codes)}
