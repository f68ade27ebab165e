"""Staff sign-in sessions, by the hash of the id their cookie carries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, or_, select, update

from reconcile.db.tables_users import staff_sessions

s = staff_sessions.c


def insert_session(conn: Connection, *, token_hash: str, user_id: int, now: datetime) -> int:
    return conn.execute(
        insert(staff_sessions).values(
            token_hash=token_hash, user_id=user_id, created_at=now, last_seen=now
        )
    ).inserted_primary_key[0]


def session_by_hash(conn: Connection, token_hash: str) -> dict | None:
    row = conn.execute(select(staff_sessions).where(s.token_hash == token_hash)).one_or_none()
    return None if row is None else dict(row._mapping)


def touch(conn: Connection, session_id: int, now: datetime) -> None:
    """Move the sliding lifetime on; a revoked session stays revoked."""
    conn.execute(
        update(staff_sessions)
        .where(s.id == session_id, s.revoked_at.is_(None))
        .values(last_seen=now)
    )


def revoke(conn: Connection, token_hash: str, now: datetime) -> int | None:
    """Revoke a live session; return its user id, or None if there was none to revoke."""
    return conn.execute(
        update(staff_sessions)
        .where(s.token_hash == token_hash, s.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(s.user_id)
    ).scalar_one_or_none()


def delete_ended(conn: Connection, user_id: int, *, created_before: datetime) -> None:
    """Forget a user's sessions that were revoked or are past their absolute lifetime."""
    conn.execute(
        delete(staff_sessions).where(
            s.user_id == user_id, or_(s.revoked_at.is_not(None), s.created_at < created_before)
        )
    )
