"""Statement profiles: the export layouts courts taught the service."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from reconcile.db.tables_statements import statement_profiles

sp = statement_profiles.c


class NameTaken(Exception):
    """The court has a profile of that name already."""


def add(conn: Connection, **values) -> int:
    """Store a profile (values: every column but id); NameTaken when the name is the court's."""
    try:
        return conn.execute(insert(statement_profiles).values(**values)).inserted_primary_key[0]
    except IntegrityError as error:
        raise NameTaken(values["name"]) from error


def get(conn: Connection, profile_id: int, *, for_update: bool = False) -> dict | None:
    query = select(statement_profiles).where(sp.id == profile_id)
    row = conn.execute(query.with_for_update() if for_update else query).one_or_none()
    return dict(row._mapping) if row else None


def of_courts(conn: Connection, courts: list[str] | None) -> list[dict]:
    """The profiles of these courts (of all when None), by court and name."""
    query = select(statement_profiles)
    if courts is not None:
        query = query.where(sp.court.in_(courts))
    return [dict(r._mapping) for r in conn.execute(query.order_by(sp.court, sp.name, sp.id))]


def change(conn: Connection, profile_id: int, **values) -> None:
    """Change a profile's name or definition; NameTaken when the new name is the court's."""
    try:
        conn.execute(update(statement_profiles).where(sp.id == profile_id).values(**values))
    except IntegrityError as error:
        raise NameTaken(values.get("name", "")) from error
