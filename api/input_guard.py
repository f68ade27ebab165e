"""Refuse hostile text input before any view reads it, for the API and the pages alike.

Each of these failed deep in a view or a query as a server error, or was stored:

- a NUL (U+0000) or a lone surrogate (U+D800–U+DFFF) in a query parameter, a form field,
  a JSON string or an upload's file name: PostgreSQL text cannot hold a NUL, and no
  encoder writes a lone surrogate (422);
- a JSON body that does not parse — not UTF-8, an integer of more than 4,300 digits
  (Python refuses to convert it: ValueError, which webargs let through), nested beyond
  the interpreter's recursion limit (RecursionError) — is 400, as any malformed JSON;
  one nested deeper than any of the API's bodies (MAX_JSON_DEPTH) is 400 as well;
- a JSON or form body over MAX_BODY_BYTES is 413: no body of the API is near it (a
  statement file is multipart and bounded by `imports.max_upload_mb`);
- an upload's file name over MAX_FILENAME characters, or with control characters (422).

Uploaded files' contents are not looked at here (they are bytes; the importers judge them).
"""

from __future__ import annotations

import json
import re

from flask import Flask, request

from api.errors import problem
from reconcile.errors import Message

NUL = "\x00"
MAX_BODY_BYTES = 1024 * 1024  #: a JSON or url-encoded body; files are multipart
MAX_JSON_DEPTH = 32  #: the API's deepest body (a case's accounts) is 4 levels
MAX_FILENAME = 255  #: what file systems hold, and what the import history stores
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def init_app(app: Flask) -> None:
    app.before_request(_guard)


def _guard():
    too_large = _body_too_large()
    if too_large:
        return too_large
    if request.is_json:
        body, refusal = _json_body()
        if refusal:
            return refusal
    else:
        body = None
    found = _bad_text(body)
    if found is None:
        return None
    field, reason = found
    return problem(
        422,
        "validation_error",
        Message("{field_name}: {reason}", {"field_name": field, "reason": reason}),
        errors={field: [reason]},
    )


def _body_too_large():
    if request.mimetype not in ("application/x-www-form-urlencoded",) and not request.is_json:
        return None
    length = request.content_length
    if length is None and request.is_json:
        length = len(request.get_data(cache=True))
    if length is not None and length > MAX_BODY_BYTES:
        return problem(
            413,
            "payload_too_large",
            Message(
                "the request body is over {limit} KB; no request of this API needs that much",
                {"limit": MAX_BODY_BYTES // 1024},
            ),
        )
    return None


def _json_body():
    """Return (the parsed body, None) or (None, a 400 problem)."""
    data = request.get_data(cache=True)
    if not data.strip():
        return None, None
    try:
        body = json.loads(data)
    except RecursionError:
        return None, _malformed(Message("nested too deeply"))
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, int over 4,300 digits
        return None, _malformed(Message("{problem}", {"problem": str(error)[:200]}))
    if _depth_over(body, MAX_JSON_DEPTH):
        return None, _malformed(
            Message("nested deeper than {limit} levels", {"limit": MAX_JSON_DEPTH})
        )
    return body, None


def _malformed(reason: Message):
    return problem(
        400,
        "bad_request",
        Message("the body is not valid JSON: {reason}", {"reason": reason}),
        errors={"json": ["Invalid JSON body."]},
    )


def _depth_over(value, limit: int) -> bool:
    """Whether `value` nests lists/objects deeper than `limit` (iteratively: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _bad_text(body) -> tuple[str, Message] | None:
    """Return (field, what) for the first text that is refused, else None."""
    for name, value in request.args.items(multi=True):
        found = _refused(name) or _refused(value)
        if found:
            return _clean(name), found
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, value in request.form.items(multi=True):
            found = _refused(name) or _refused(value)
            if found:
                return _clean(name), found
        for name, upload in request.files.items(multi=True):
            found = _refused_filename(upload.filename or "")
            if found:
                return _clean(name), found
    if body is not None:
        return _in_json(body)
    return None


def _refused(text: str) -> Message | None:
    if NUL in text:
        return Message("contains a NUL character")
    if _SURROGATE.search(text):
        return Message("contains a lone surrogate (not a Unicode character)")
    return None


def _refused_filename(name: str) -> Message | None:
    if len(name) > MAX_FILENAME:
        return Message("the file name is longer than {limit} characters", {"limit": MAX_FILENAME})
    if _CONTROL.search(name):
        return Message("the file name contains a control character")
    return _refused(name)


def _clean(name: str) -> str:
    return _SURROGATE.sub("", name.replace(NUL, "")) or "?"


def _in_json(body) -> tuple[str, Message] | None:
    """The first refused string of a JSON body, named by the key it is under (iteratively)."""
    stack = [(body, "body")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            found = _refused(value)
            if found:
                return _clean(path), found
        elif isinstance(value, dict):
            for key, item in value.items():
                found = _refused(key)
                if found:
                    return _clean(path), found
                stack.append((item, key))
        elif isinstance(value, list):
            stack.extend((item, path) for item in value)
    return None
