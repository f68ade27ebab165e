"""Idempotency keys: claim one with the change it guards, then keep the answer to replay.

The API's `Idempotency-Key` handling (api/idempotency.py) calls these; the key is
claimed by a unit-of-work begin hook, so of many concurrent requests with one key
exactly one executes.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.db import idempotency
from reconcile.db.handles import Connection
from reconcile.db.idempotency import KeyTaken
from reconcile.db.uow import UnitOfWork

__all__ = ["Claim", "KeyTaken", "find_response", "store_response"]


@dataclass
class Claim:
    """A unit-of-work begin hook that claims the key; KeyTaken if another request has it."""

    principal: str
    key: str
    request_hash: str
    claimed: bool = False

    def __call__(self, conn: Connection) -> None:
        if not self.claimed:
            idempotency.claim(conn, self.principal, self.key, self.request_hash)
            self.claimed = True


def find_response(uow: UnitOfWork, claim: Claim) -> dict | None:
    """Return what is stored for the claim's key (hash, status, body), or None."""
    with uow:
        return idempotency.find(uow.conn, claim.principal, claim.key)


def store_response(uow: UnitOfWork, claim: Claim, status: int, body: str) -> None:
    """Keep the answer to the request that claimed the key, for its repeats."""
    with uow:
        idempotency.store_response(uow.conn, claim.principal, claim.key, status, body)
        uow.commit()
