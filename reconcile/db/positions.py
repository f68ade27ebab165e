"""Positions (职务): the post each person holds, which approval levels name.

A position belongs to the person, so a person's API tokens and staff sign-in hold the
same one. An actor id names a credential ("token:3", "user:5"); `position_of` reads its
person's position from the database, never from what an Actor says.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from reconcile.db.tables import api_tokens
from reconcile.db.tables_users import people, users
from reconcile.errors import ValidationFailed

_CREDENTIALS = {"token": api_tokens, "user": users}


def position_of(conn: Connection, actor_id: str) -> str | None:
    """Return the position of the person whose credential `actor_id` is (None: none)."""
    kind, _, number = actor_id.partition(":")
    table = _CREDENTIALS.get(kind)
    if table is None or not number.isdigit():
        return None
    return conn.execute(
        select(people.c.position)
        .join(table, table.c.person_id == people.c.id)
        .where(table.c.id == int(number))
    ).scalar_one_or_none()


def assign(conn: Connection, person_id: int, position: str) -> None:
    """Give a person a position; refuse a different one than they hold already."""
    held = conn.execute(
        select(people.c.position, people.c.name).where(people.c.id == person_id)
    ).one()
    if held.position not in (None, position):
        raise ValidationFailed(
            "{person} holds the position {position} already",
            field="position",
            person=held.name,
            position=held.position,
        )
    conn.execute(update(people).where(people.c.id == person_id).values(position=position))
