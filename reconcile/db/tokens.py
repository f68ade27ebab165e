"""API tokens: stored as hashes, each with one role, its courts and its person."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from reconcile.clock import utc_now
from reconcile.db.tables import api_token_courts, api_tokens, courts
from reconcile.db.tables_users import people


def insert_token(
    conn: Connection,
    token_hash: str,
    name: str,
    role: str,
    court_ids: list[int],
    *,
    person_id: int,
) -> int:
    token_id = conn.execute(
        insert(api_tokens).values(
            token_hash=token_hash,
            name=name,
            role=role,
            created_at=utc_now(),
            person_id=person_id,
        )
    ).inserted_primary_key[0]
    if court_ids:
        conn.execute(
            insert(api_token_courts), [{"token_id": token_id, "court_id": c} for c in court_ids]
        )
    return token_id


def token_by_hash(conn: Connection, token_hash: str) -> dict | None:
    """Return the live token with this hash, its court codes and its person, or None."""
    row = conn.execute(
        select(api_tokens, people.c.name.label("person"))
        .join(people, people.c.id == api_tokens.c.person_id)
        .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    codes = conn.execute(
        select(courts.c.code)
        .join(api_token_courts, api_token_courts.c.court_id == courts.c.id)
        .where(api_token_courts.c.token_id == row.id)
    ).scalars()
    return {**row._mapping, "courts": frozenset(codes)}


def list_tokens(conn: Connection) -> list[dict]:
    """Return every token (never its hash) with its court codes and person, oldest first."""
    rows = conn.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.name,
            api_tokens.c.role,
            api_tokens.c.created_at,
            api_tokens.c.revoked_at,
            people.c.name.label("person"),
            people.c.position,
        )
        .join(people, people.c.id == api_tokens.c.person_id)
        .order_by(api_tokens.c.id)
    ).all()
    courts_of = conn.execute(
        select(api_token_courts.c.token_id, courts.c.code).join(
            courts, courts.c.id == api_token_courts.c.court_id
        )
    ).all()
    return [
        {**r._mapping, "courts": sorted(c.code for c in courts_of if c.token_id == r.id)}
        for r in rows
    ]


def revoke(conn: Connection, token_id: int, at) -> bool:
    """Mark a live token revoked; False if there is no such live token."""
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return result.rowcount == 1
