"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from flask import g, request
from flask_smorest import abort

from api.context import services
from reconcile.actors import Actor
from reconcile.services import tokens


def current_actor() -> Actor:
    """Return the actor behind this request's bearer token, or answer 401."""
    actor = g.get("actor")
    if actor is not None:
        return actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message="a bearer token is required")
    actor = tokens.authenticate(services().uow(read_only=True), token.strip())
    if actor is None:
        abort(401, message="the token is not valid")
    g.actor = actor
    return actor
