"""Idempotency keys: claimed inside the guarded transaction, answered from storage after."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from reconcile.clock import utc_now
from reconcile.db.tables import idempotency_keys

ik = idempotency_keys.c


class KeyTaken(Exception):
    """Another request with this key committed first."""


def claim(conn: Connection, principal: str, key: str, request_hash: str) -> None:
    """Insert the key; on PostgreSQL a concurrent claimer waits here for the first to finish."""
    try:
        with conn.begin_nested():
            conn.execute(
                insert(idempotency_keys).values(
                    principal=principal, key=key, request_hash=request_hash, created_at=utc_now()
                )
            )
    except IntegrityError as e:
        raise KeyTaken(key) from e


def find(conn: Connection, principal: str, key: str) -> dict | None:
    row = conn.execute(
        select(idempotency_keys).where(ik.principal == principal, ik.key == key)
    ).one_or_none()
    return dict(row._mapping) if row else None


def store_response(conn: Connection, principal: str, key: str, status: int, body: str) -> None:
    conn.execute(
        update(idempotency_keys)
        .where(ik.principal == principal, ik.key == key)
        .values(status_code=status, response_body=body)
    )
