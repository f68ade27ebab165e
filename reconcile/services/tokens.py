"""API tokens: created at the command line, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

from reconcile.actors import ROLES, Actor, check_person_name
from reconcile.clock import utc_now
from reconcile.db import people, positions, registry, tokens
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.positions import check_position
from reconcile.services.access import require

TOKEN_PREFIX = "rct_"  # noqa: S105 - a prefix, not a secret


def hash_token(token: str) -> str:
    # A token is 256 random bits, so a plain SHA-256 cannot be brute-forced; a slow
    # password hash would only cost every request its latency.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    uow: UnitOfWork,
    actor: Actor,
    *,
    role: str,
    courts: list[str],
    name: str,
    person: str | None = None,
    position: str | None = None,
    settings: dict | None = None,
) -> str:
    """Create a token for `role` scoped to `courts`; return it (it is not stored).

    The token belongs to `person` (added if new), or without one is its own person,
    named after it ("token:3"); maker ≠ checker compares people. `position` (one of the
    courts' [positions] in `settings`) is the person's post, which approval levels name."""
    require(actor, Verb.ADMINISTER)
    if role not in ROLES:
        raise ValidationFailed("role must be one of {roles}", roles=", ".join(ROLES), field="role")
    if not courts:
        raise ValidationFailed("a token needs at least one court", field="court")
    person = check_person_name(person) if person is not None else None
    if position is not None:
        position = check_position(settings or {}, position, courts)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        ids = registry.court_ids(uow.conn, courts)
        missing = sorted(set(courts) - set(ids))
        if missing:
            raise ValidationFailed(
                "unknown court(s): {unknown_courts}",
                unknown_courts=", ".join(missing),
                field="court",
            )
        person_id, new_person = people.person_for(uow.conn, person, utc_now())
        token_id = tokens.insert_token(
            uow.conn, hash_token(token), name, role, list(ids.values()), person_id=person_id
        )
        if person is None:
            person = people.name_own_person(uow.conn, person_id, f"token:{token_id}")
        if position is not None:
            positions.assign(uow.conn, person_id, position)
        uow.audit(
            actor,
            "token.created",
            "api_token",
            token_id,
            after={
                "name": name,
                "role": role,
                "courts": sorted(courts),
                "person": person,
                "new_person": new_person,
                "position": position,
            },
        )
        uow.commit()
    return token


def authenticate(uow: UnitOfWork, token: str) -> Actor | None:
    """Return the actor a bearer token stands for, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with uow:
        row = tokens.token_by_hash(uow.conn, hash_token(token))
    if row is None:
        return None
    return Actor(
        name=row["name"],
        role=row["role"],
        courts=row["courts"],
        id=f"token:{row['id']}",
        person=row["person"],
    )


def list_tokens(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """Return every token's id, name, role, courts, person and whether it is revoked."""
    require(actor, Verb.ADMINISTER)
    with uow:
        return tokens.list_tokens(uow.conn)


def revoke_token(uow: UnitOfWork, actor: Actor, token_id: int) -> None:
    """Revoke a token; workers that cached it refuse it within [auth] token_cache_seconds."""
    require(actor, Verb.ADMINISTER)
    with uow:
        if not tokens.revoke(uow.conn, token_id, utc_now()):
            raise NotFound("no live token {token_id}", token_id=token_id)
        uow.audit(actor, "token.revoked", "api_token", token_id)
        uow.commit()
