"""People: the human behind API tokens and staff users, whom maker ≠ checker compares.

An actor id names a credential ("token:3", "user:5"); `persons_of` answers whose it is.
Ids that name no credential (the CLI's "cli:name", "system") are their own person.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import Connection, insert, select, update

from reconcile.db.tables import api_tokens
from reconcile.db.tables_users import people, users

p = people.c

#: credential kind (the actor id's prefix) -> its table
_CREDENTIALS = {"token": api_tokens, "user": users}


def person_for(conn: Connection, name: str | None, at) -> tuple[int, bool]:
    """Return the id of the person named `name`, added if new, and whether they are new.

    None: a new person for one credential about to be stored, named after it by
    `name_own_person` once it has its id."""
    if name is not None:
        found = conn.execute(select(p.id).where(p.name == name)).scalar_one_or_none()
        if found is not None:
            return found, False
    else:
        name = f"pending:{secrets.token_hex(8)}"  # no given name has a colon
    added = conn.execute(insert(people).values(name=name, created_at=at))
    return added.inserted_primary_key[0], True


def name_own_person(conn: Connection, person: int, credential: str) -> str:
    """Name a credential's own person after it ("token:3"); return the name."""
    conn.execute(update(people).where(p.id == person).values(name=credential))
    return credential


def persons_of(conn: Connection, actor_ids: Iterable[str]) -> dict[str, str]:
    """Return each actor id's person (a person's name); an id of no credential is its own."""
    ids = set(actor_ids)
    found = {actor_id: actor_id for actor_id in ids}
    for kind, table in _CREDENTIALS.items():
        numbers = {int(n): i for i in ids if (n := _number(i, kind)) is not None}
        if not numbers:
            continue
        rows = conn.execute(
            select(table.c.id, p.name)
            .join(people, p.id == table.c.person_id)
            .where(table.c.id.in_(numbers))
        )
        for row in rows:
            found[numbers[row.id]] = row.name
    return found


def _number(actor_id: str, kind: str) -> str | None:
    prefix, _, number = actor_id.partition(":")
    return number if prefix == kind and number.isdigit() else None
