"""What the app holds for its views: settings, the engine, units of work."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, has_request_context

from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork


@dataclass
class Services:
    settings: dict
    engine: Engine

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """Return a unit of work; in a request with an Idempotency-Key, it claims the key."""
        uow = UnitOfWork(self.engine, read_only=read_only)
        claim = g.get("idempotency_claim") if has_request_context() else None
        if claim is not None and not read_only:
            uow.on_begin(claim)
        return uow


def services() -> Services:
    return current_app.extensions["reconcile"]
