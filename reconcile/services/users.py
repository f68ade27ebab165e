"""Staff accounts for the web pages: created at the command line, signed in with a password.

Passwords are stored only as werkzeug scrypt hashes. Sign-ins are limited per source
address and per name from a source (reconcile.sign_in_throttle, settings [web]
sign_in_*), counted in the database so that every worker sees the same counts; no
failure locks an account for anyone else. Every failure and sign-in is in the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NoReturn

from werkzeug.security import check_password_hash, generate_password_hash

from reconcile import sign_in_throttle as throttle
from reconcile.actors import ROLES, Actor, check_person_name
from reconcile.clock import utc_now
from reconcile.db import people, positions, registry, throttle_store, user_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, Conflict, DomainError, ValidationFailed
from reconcile.permissions import Verb
from reconcile.positions import check_position
from reconcile.services import staff_sessions
from reconcile.services.access import require
from reconcile.sign_in_throttle import Counter, Policy

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}$")


class SignInRefused(DomainError):
    """Wrong name or password, a disabled account, or too many attempts from the source."""

    code = "sign_in_refused"


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    courts: list[str],
    person: str | None = None,
    position: str | None = None,
    settings: dict | None = None,
) -> dict:
    """Create a staff account with one role for `courts`; store only the password's hash.

    The account belongs to `person` (added if new), or without one is its own person,
    named after it ("user:5"); maker ≠ checker compares people. `position` (one of the
    courts' [positions] in `settings`) is the person's post, which approval levels name."""
    require(actor, Verb.ADMINISTER)
    _check_new_user(username, password, role, courts)
    person = check_person_name(person) if person is not None else None
    if position is not None:
        position = check_position(settings or {}, position, courts)
    with uow:
        if user_store.user_by_username(uow.conn, username):
            raise Conflict("user {username} exists already", username=username)
        ids = registry.court_ids(uow.conn, courts)
        missing = sorted(set(courts) - set(ids))
        if missing:
            raise ValidationFailed(
                "unknown court(s): {unknown_courts}",
                unknown_courts=", ".join(missing),
                field="court",
            )
        person_id, new_person = people.person_for(uow.conn, person, utc_now())
        user_id = user_store.insert_user(
            uow.conn,
            username=username,
            password_hash=generate_password_hash(password, method="scrypt"),
            role=role,
            court_ids=list(ids.values()),
            person_id=person_id,
        )
        if person is None:
            person = people.name_own_person(uow.conn, person_id, f"user:{user_id}")
        if position is not None:
            positions.assign(uow.conn, person_id, position)
        view = {
            "id": user_id,
            "username": username,
            "role": role,
            "courts": sorted(courts),
            "person": person,
            "new_person": new_person,
            "position": position,
        }
        uow.audit(actor, "user.created", "user", user_id, after=view)
        uow.commit()
    return view


def _check_new_user(username: str, password: str, role: str, courts: list[str]) -> None:
    if not _USERNAME.match(username or ""):
        raise ValidationFailed("a user name is 2–64 letters, digits, . _ or -", field="username")
    if role not in ROLES:
        raise ValidationFailed("role must be one of {roles}", roles=", ".join(ROLES), field="role")
    if not courts:
        raise ValidationFailed("a user needs at least one court", field="court")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "a password has at least {least} characters",
            least=MIN_PASSWORD_LENGTH,
            field="password",
        )


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    #: the random session id for the cookie (staff_sessions)
    session_token: str
    #: the pages' language the user chose last, or None
    language: str | None = None


#: the languages a user may keep (the pages' catalogue, api/web/messages.py)
LANGUAGES = ("zh", "en")


def keep_language(uow: UnitOfWork, actor: Actor, language: str) -> None:
    """Remember a signed-in user's choice of language for their next sign-in."""
    if language not in LANGUAGES:
        raise ValidationFailed("unknown language '{language}'", language=language, field="language")
    user_id = int(actor.id.removeprefix("user:"))
    with uow:
        user = user_store.user_by_id(uow.conn, user_id)
        if user is None or user["language"] == language:
            return
        user_store.set_language(uow.conn, user_id, language)
        uow.audit(
            actor,
            "user.language_changed",
            "user",
            user_id,
            before={"language": user["language"]},
            after={"language": language},
        )
        uow.commit()


def authenticate(
    uow: UnitOfWork, username: str, password: str, settings: dict, *, source: str = ""
) -> SignedIn:
    """Sign a user in from a source address and start their session; count and audit failures.

    Every refusal reads the same (`SignInRefused`, one message) and, unless the source is
    over its limit, costs one password hash: an unknown name, a disabled account, a wrong
    password and a name that must wait after failures from this source are alike."""
    web, policy = settings["web"], Policy.from_settings(settings["web"])
    username, password = username or "", password or ""
    keys = throttle.source_key(source), throttle.pair_key(username, source)
    with uow:
        counted = _count_attempt(uow, keys, policy)
        user = user_store.user_by_username(uow.conn, username) if counted else None
        uow.commit()
    if counted is None:  # the source is over its limit: no hash to spend on it
        raise SignInRefused(REFUSED)
    if user is None or user["disabled"] or not counted[1]:
        check_password_hash(user["password_hash"] if user else _decoy_hash(), password)
        _refuse(uow, user, counted, source)
    if not check_password_hash(user["password_hash"], password):
        _refuse(uow, user, counted, source)
    with uow:
        _forgive(uow, keys)
        actor = staff_actor_of(user)
        token = staff_sessions.new_session(uow, user["id"], web)
        uow.audit(actor, "user.signed_in", "user", user["id"], after={"source": source})
        uow.commit()
    return SignedIn(actor, token, user["language"])


#: the one answer to every refused sign-in
REFUSED = N_("the user name or password is wrong, or there were too many attempts")


def _count_attempt(
    uow: UnitOfWork, keys: tuple[str, str], policy: Policy
) -> tuple[Counter, Counter | None] | None:
    """Count the attempt for its source, then for its name from that source (locked in this
    order, so concurrent attempts queue instead of deadlocking). None: the source must wait;
    a None second counter: the name must wait from this source."""
    now = utc_now()
    source = throttle.count_source_attempt(
        throttle_store.locked_counter(uow.conn, keys[0], now), now, policy
    )
    if source is None:
        return None
    throttle_store.save_counter(uow.conn, keys[0], source)
    pair = throttle.count_pair_attempt(
        throttle_store.locked_counter(uow.conn, keys[1], now), now, policy
    )
    if pair is not None:
        throttle_store.save_counter(uow.conn, keys[1], pair)
    return source, pair


def _forgive(uow: UnitOfWork, keys: tuple[str, str]) -> None:
    now = utc_now()
    counter = throttle_store.locked_counter(uow.conn, keys[0], now)
    if counter is not None:
        throttle_store.save_counter(uow.conn, keys[0], throttle.forgive_source(counter))
    throttle_store.forget(uow.conn, keys[1])
    # tidy up on success only: a stranger's failures never make this run
    throttle_store.forget_older_than(uow.conn, now - throttle.FORGET_AFTER)


def _refuse(uow: UnitOfWork, user: dict | None, counted: tuple, source: str) -> NoReturn:
    if user is not None:
        failures = counted[1].failures if counted[1] else None
        with uow:
            uow.audit(
                staff_actor_of(user),
                "user.sign_in_failed",
                "user",
                user["id"],
                after={"source": source, "failures_from_source": failures},
            )
            uow.commit()
    raise SignInRefused(REFUSED)


def staff_actor(uow: UnitOfWork, user_id: int) -> Actor | None:
    """Return the actor of a signed-in user, or None once the account is gone or disabled."""
    with uow:
        user = user_store.user_by_id(uow.conn, user_id)
    if user is None or user["disabled"]:
        return None
    return staff_actor_of(user)


def staff_actor_of(user: dict) -> Actor:
    return Actor(
        name=user["username"],
        role=user["role"],
        courts=user["courts"],
        id=f"user:{user['id']}",
        person=user["person"],
    )


@cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy password, never valid", method="scrypt")
