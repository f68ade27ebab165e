"""Staff accounts for the web pages: created at the command line, signed in with a password.

Passwords are stored only as werkzeug scrypt hashes. After `lockout_after_failures`
failed sign-ins in a row the account is locked for `lockout_minutes` (settings [web]);
every failure, lock and sign-in is in the audit trail.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from reconcile.actors import ROLES, Actor
from reconcile.clock import as_utc, utc_now
from reconcile.db import registry, user_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import Conflict, DomainError, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}$")


class SignInRefused(DomainError):
    """Wrong name or password, a disabled account, or one locked after repeated failures."""

    code = "sign_in_refused"

    def __init__(self, message: str, *, locked_until: datetime | None = None) -> None:
        super().__init__(message, locked_until=locked_until)
        self.locked_until = locked_until


def create_user(
    uow: UnitOfWork, actor: Actor, *, username: str, password: str, role: str, courts: list[str]
) -> dict:
    """Create a staff account with one role for `courts`; store only the password's hash."""
    require(actor, Verb.ADMINISTER)
    _check_new_user(username, password, role, courts)
    with uow:
        if user_store.user_by_username(uow.conn, username):
            raise Conflict(f"user {username} exists already")
        ids = registry.court_ids(uow.conn, courts)
        missing = sorted(set(courts) - set(ids))
        if missing:
            raise ValidationFailed(f"unknown court(s): {', '.join(missing)}", field="court")
        user_id = user_store.insert_user(
            uow.conn,
            username=username,
            password_hash=generate_password_hash(password, method="scrypt"),
            role=role,
            court_ids=list(ids.values()),
        )
        view = {"id": user_id, "username": username, "role": role, "courts": sorted(courts)}
        uow.audit(actor, "user.created", "user", user_id, after=view)
        uow.commit()
    return view


def _check_new_user(username: str, password: str, role: str, courts: list[str]) -> None:
    if not _USERNAME.match(username or ""):
        raise ValidationFailed("a user name is 2–64 letters, digits, . _ or -", field="username")
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", field="role")
    if not courts:
        raise ValidationFailed("a user needs at least one court", field="court")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )


def authenticate(uow: UnitOfWork, username: str, password: str, settings: dict) -> Actor:
    """Return the actor for a correct name and password; count failures and lock; audit."""
    web, now = settings["web"], utc_now()
    with uow:
        user = user_store.user_by_username(uow.conn, username or "")
        if user is None or user["disabled"]:
            check_password_hash(_decoy_hash(), password or "")  # same time as a real check
            raise SignInRefused("the user name or password is wrong")
        locked_until = user["locked_until"] and as_utc(user["locked_until"])
        if locked_until and locked_until > now:
            raise SignInRefused("the account is locked", locked_until=locked_until)
        if not check_password_hash(user["password_hash"], password or ""):
            _fail(uow, user, now, web)
        user_store.clear_failures(uow.conn, user["id"])
        actor = staff_actor_of(user)
        uow.audit(actor, "user.signed_in", "user", user["id"])
        uow.commit()
    return actor


def _fail(uow: UnitOfWork, user: dict, now: datetime, web: dict) -> None:
    failures = user_store.count_failure(uow.conn, user["id"])
    actor = staff_actor_of(user)
    uow.audit(actor, "user.sign_in_failed", "user", user["id"], after={"failures": failures})
    locked_until = None
    if failures >= web["lockout_after_failures"]:
        locked_until = now + timedelta(minutes=web["lockout_minutes"])
        user_store.lock(uow.conn, user["id"], locked_until)
        uow.audit(actor, "user.locked", "user", user["id"], after={"locked_until": locked_until})
    uow.commit()
    if locked_until:
        raise SignInRefused("the account is locked", locked_until=locked_until)
    raise SignInRefused("the user name or password is wrong")


def staff_actor(uow: UnitOfWork, user_id: int) -> Actor | None:
    """Return the actor of a signed-in user, or None once the account is gone or disabled."""
    with uow:
        user = user_store.user_by_id(uow.conn, user_id)
    if user is None or user["disabled"]:
        return None
    return staff_actor_of(user)


def staff_actor_of(user: dict) -> Actor:
    return Actor(
        name=user["username"], role=user["role"], courts=user["courts"], id=f"user:{user['id']}"
    )


@cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy password, never valid", method="scrypt")
