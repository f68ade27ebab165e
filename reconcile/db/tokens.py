"""API tokens: stored as hashes, each with one role and its courts."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from reconcile.clock import utc_now
from reconcile.db.tables import api_token_courts, api_tokens, courts


def insert_token(
    conn: Connection, token_hash: str, name: str, role: str, court_ids: list[int]
) -> int:
    token_id = conn.execute(
        insert(api_tokens).values(token_hash=token_hash, name=name, role=role, created_at=utc_now())
    ).inserted_primary_key[0]
    if court_ids:
        conn.execute(
            insert(api_token_courts), [{"token_id": token_id, "court_id": c} for c in court_ids]
        )
    return token_id


def token_by_hash(conn: Connection, token_hash: str) -> dict | None:
    """Return the live token with this hash and its court codes, or None."""
    row = conn.execute(
        select(api_tokens).where(
            api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None)
        )
    ).one_or_none()
    if row is None:
        return None
    codes = conn.execute(
        select(courts.c.code)
        .join(api_token_courts, api_token_courts.c.court_id == courts.c.id)
        .where(api_token_courts.c.token_id == row.id)
    ).scalars()
    return {**row._mapping, "courts": frozenset(codes)}
