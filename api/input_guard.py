"""Refuse NUL characters in text input, for the API and the pages alike.

PostgreSQL text cannot hold U+0000, so a NUL in a query parameter, form field or JSON
string would otherwise fail deep in a query as a server error. It is never meaningful
in this service's text; uploaded files are not affected (they are bytes).
"""

from __future__ import annotations

from flask import Flask, request

from api.errors import problem

NUL = "\x00"


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)


def _refuse_nul():
    field = _field_with_nul()
    if field is None:
        return None
    return problem(
        422,
        "validation_error",
        "text may not contain NUL characters",
        errors={field: ["contains a NUL character"]},
    )


def _field_with_nul() -> str | None:
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            return name.replace(NUL, "")
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, value in request.form.items(multi=True):
            if NUL in name or NUL in value:
                return name.replace(NUL, "")
    if request.is_json:
        return _in_json(request.get_json(silent=True), "body")
    return None


def _in_json(value, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _in_json(key, path) or _in_json(item, key)
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _in_json(item, path)
            if found:
                return found
    return None
