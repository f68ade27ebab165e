"""Uploaded files kept for their preview, until confirmed, discarded or expired."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from reconcile.db.tables_statements import upload_previews

up = upload_previews.c


def keep(conn: Connection, **values) -> None:
    """Keep an uploaded file with its preview (values: every column)."""
    conn.execute(insert(upload_previews).values(**values))


def kept(conn: Connection, preview_id: str, owner_id: str, now: datetime) -> dict | None:
    """Return the owner's unexpired kept upload, or None (another's is None as well)."""
    row = conn.execute(
        select(upload_previews).where(
            up.id == preview_id, up.owner_id == owner_id, up.expires_at > now
        )
    ).one_or_none()
    return dict(row._mapping) if row else None


def drop(conn: Connection, preview_id: str) -> None:
    conn.execute(delete(upload_previews).where(up.id == preview_id))


def drop_expired(conn: Connection, now: datetime) -> int:
    """Forget every expired upload; return how many."""
    return conn.execute(delete(upload_previews).where(up.expires_at <= now)).rowcount
