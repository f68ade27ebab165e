"""Bearer-token authentication for the JSON API, with a short per-process cache.

Without the cache every request asks the database for its token (two queries) before it
does its own work. Each worker process remembers a valid token for [auth]
token_cache_seconds (30 s by default), keyed by the token's SHA-256, never the token
itself. The price: a revoked token keeps working for at most that long in each worker
that saw it. Invalid tokens are never remembered, so a token works the moment it is
created.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, g, request
from flask_smorest import abort

from api.context import services
from reconcile.actors import Actor
from reconcile.services import tokens

#: tokens one process remembers at most; the least recently used goes first
CACHE_SIZE = 1024


class TokenCache:
    """Actors by token hash, each for `ttl` seconds of `clock` (monotonic unless told)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, Actor]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Actor | None:
        """Return the remembered actor, or None if unknown or expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self.clock() >= entry[0]:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, actor: Actor) -> None:
        """Remember `actor` for `ttl` seconds."""
        if self.ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (self.clock() + self.ttl, actor)
            self._entries.move_to_end(key)
            while len(self._entries) > CACHE_SIZE:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app) -> None:
    """Give the app its token cache."""
    ttl = app.extensions["reconcile"].settings["auth"]["token_cache_seconds"]
    app.extensions["token_cache"] = TokenCache(ttl)


def current_actor() -> Actor:
    """Return the actor behind this request's bearer token, or answer 401."""
    actor = g.get("actor")
    if actor is not None:
        return actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        abort(401, message="a bearer token is required")
    actor = _authenticate(token)
    if actor is None:
        abort(401, message="the token is not valid")
    g.actor = actor
    return actor


def _authenticate(token: str) -> Actor | None:
    cache: TokenCache | None = current_app.extensions.get("token_cache")
    if cache is None:
        return tokens.authenticate(services().uow(read_only=True), token)
    key = tokens.hash_token(token)
    actor = cache.get(key)
    if actor is None:
        actor = tokens.authenticate(services().uow(read_only=True), token)
        if actor is not None:
            cache.put(key, actor)
    return actor
