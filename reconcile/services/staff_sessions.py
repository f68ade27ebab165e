"""Staff sessions kept on the server: the cookie carries a random id, the database its state.

A session ends when its user signs out (for every copy of the cookie), `session_hours`
after it was last used (sliding), or `session_absolute_hours` after sign-in however
busy it is (settings [web]). Only the id's SHA-256 is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256

from reconcile.actors import Actor
from reconcile.clock import as_utc, utc_now
from reconcile.db import session_store, user_store
from reconcile.db.uow import UnitOfWork

#: last_seen is written at most this often per session, not on every page
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class LiveSession:
    id: int
    user_id: int
    #: last_seen is old enough to be moved on (`record_activity`)
    stale: bool


def new_session(uow: UnitOfWork, user_id: int, web: dict) -> str:
    """Start a session for a user inside the caller's transaction; return the cookie's id.

    The caller commits. The user's ended sessions are forgotten on the way."""
    now, token = utc_now(), secrets.token_urlsafe(32)
    session_store.delete_ended(
        uow.conn, user_id, created_before=now - timedelta(hours=web["session_absolute_hours"])
    )
    session_store.insert_session(uow.conn, token_hash=_hash(token), user_id=user_id, now=now)
    return token


def live_session(uow: UnitOfWork, token: str, web: dict) -> LiveSession | None:
    """Return the session of a cookie's id if it has neither been revoked nor expired."""
    now = utc_now()
    with uow:
        row = session_store.session_by_hash(uow.conn, _hash(token or ""))
    if row is None or row["revoked_at"] is not None:
        return None
    created, seen = as_utc(row["created_at"]), as_utc(row["last_seen"])
    if now >= created + timedelta(hours=web["session_absolute_hours"]):
        return None
    if now >= seen + timedelta(hours=web["session_hours"]):
        return None
    return LiveSession(row["id"], row["user_id"], stale=now - seen >= TOUCH_EVERY)


def record_activity(uow: UnitOfWork, session: LiveSession) -> None:
    """Move a session's sliding lifetime on (never revives a revoked one)."""
    with uow:
        session_store.touch(uow.conn, session.id, utc_now())
        uow.commit()


def end_session(uow: UnitOfWork, token: str) -> None:
    """Revoke a session: the cookie and every copy of it stop working; audit the sign-out."""
    with uow:
        user_id = session_store.revoke(uow.conn, _hash(token or ""), utc_now())
        user = user_id is not None and user_store.user_by_id(uow.conn, user_id)
        if user:
            actor = Actor(user["username"], user["role"], user["courts"], f"user:{user_id}")
            uow.audit(actor, "user.signed_out", "user", user_id)
        uow.commit()


def _hash(token: str) -> str:
    return sha256(token.encode()).hexdigest()
