"""`Idempotency-Key` on every POST: a repeat with the same key and body gets the first answer.

The key is claimed first thing in the same transaction as the change it guards (a
unit-of-work begin hook), so of many concurrent requests with one key exactly one
executes; the others wait for it on the unique index, then replay its stored response.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from flask import Response, g, make_response, request

from api.auth import current_actor
from api.context import services
from api.errors import problem
from reconcile.errors import Message
from reconcile.services import idempotency
from reconcile.services.idempotency import Claim

HEADER = "Idempotency-Key"
REPLAY_WAIT_SECONDS = 10.0


def idempotent(view):
    """Make a POST view honour the Idempotency-Key header."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if not key:
            return view(*args, **kwargs)
        if len(key) > 200:
            return problem(
                400,
                "bad_request",
                Message("{header} is at most 200 characters", {"header": HEADER}),
            )
        claim = Claim(current_actor().id, key, _request_hash())
        stored = _find(claim)
        if stored is not None:
            if stored["status_code"] is None:  # the first request committed, not yet answered
                stored = _wait_for_response(claim)
            return _replay(stored, claim)
        g.idempotency_claim = claim
        try:
            response = make_response(view(*args, **kwargs))
        except idempotency.KeyTaken:
            return _replay(_wait_for_response(claim), claim)
        finally:
            g.pop("idempotency_claim", None)
        if claim.claimed:
            _store(claim, response)
        return response

    return wrapper


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}?{request.query_string.decode()}\n".encode())
    if request.mimetype == "multipart/form-data":
        _hash_form(digest)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _hash_form(digest) -> None:
    """Hash form fields and uploaded files without holding a large upload in memory."""
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(f"{name}={value}\n".encode())
    for name, upload in sorted(request.files.items(multi=True)):
        digest.update(f"{name}:{upload.filename}\n".encode())
        for chunk in iter(lambda upload=upload: upload.stream.read(1 << 20), b""):
            digest.update(chunk)
        upload.stream.seek(0)


def _find(claim: Claim) -> dict | None:
    return idempotency.find_response(services().uow(read_only=True), claim)


def _wait_for_response(claim: Claim) -> dict | None:
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        stored = _find(claim)
        if (stored and stored["status_code"] is not None) or time.monotonic() > deadline:
            return stored
        time.sleep(0.05)


def _replay(stored: dict | None, claim: Claim) -> Response:
    if stored is None or stored["request_hash"] != claim.request_hash:
        return problem(
            409,
            "idempotency_key_reused",
            Message(
                "{header} '{key}' was used for a different request",
                {"header": HEADER, "key": claim.key},
            ),
        )
    if stored["status_code"] is None:
        return problem(
            409,
            "idempotency_request_in_progress",
            Message(
                "a request with {header} '{key}' is still being processed",
                {"header": HEADER, "key": claim.key},
            ),
        )
    response = Response(
        stored["response_body"], status=stored["status_code"], mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _store(claim: Claim, response: Response) -> None:
    idempotency.store_response(
        services().uow(), claim, response.status_code, response.get_data(as_text=True)
    )
