"""Staff accounts: stored with a password hash, one role, their courts and their person."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from reconcile.clock import utc_now
from reconcile.db.tables import courts
from reconcile.db.tables_users import people, user_courts, users

u = users.c


def insert_user(
    conn: Connection,
    *,
    username: str,
    password_hash: str,
    role: str,
    court_ids: list[int],
    person_id: int,
) -> int:
    user_id = conn.execute(
        insert(users).values(
            username=username,
            password_hash=password_hash,
            role=role,
            created_at=utc_now(),
            person_id=person_id,
        )
    ).inserted_primary_key[0]
    conn.execute(insert(user_courts), [{"user_id": user_id, "court_id": c} for c in court_ids])
    return user_id


def set_language(conn: Connection, user_id: int, language: str) -> None:
    conn.execute(update(users).where(u.id == user_id).values(language=language))


def user_by_username(conn: Connection, username: str) -> dict | None:
    """Return the user with this name, their court codes and person, or None."""
    return _with_courts(conn, u.username == username)


def user_by_id(conn: Connection, user_id: int) -> dict | None:
    """Return the user with this id, their court codes and person, or None."""
    return _with_courts(conn, u.id == user_id)


def _with_courts(conn: Connection, condition) -> dict | None:
    query = (
        select(users, people.c.name.label("person"))
        .join(people, people.c.id == u.person_id)
        .where(condition)
    )
    row = conn.execute(query).one_or_none()
    if row is None:
        return None
    codes = conn.execute(
        select(courts.c.code)
        .join(user_courts, user_courts.c.court_id == courts.c.id)
        .where(user_courts.c.user_id == row.id)
    ).scalars()
    return {**row._mapping, "courts": frozenset(codes)}
