"""Cursor pagination: lists answer {"items": [...], "next_cursor": "..." | null}."""

from __future__ import annotations

import base64
import binascii
import re

import marshmallow as ma
from flask_smorest import abort

from api.fields import MAX_ID

MAX_LIMIT = 500
MAX_CURSOR_CHARS = 64  #: a cursor this service issues is a few dozen characters at most
_CURSOR_ID = re.compile(r"[0-9]{1,19}")  #: ASCII digits only: int() also takes "²", "٣", "1_0"


class PageQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_LIMIT))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=MAX_CURSOR_CHARS))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """Return the schema of a page of `item_schema`."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "next_cursor": ma.fields.String(allow_none=True),
        },
        name=name,
    )


def decode_cursor(cursor: str | None) -> int:
    """Return the last id of the previous page (0 for the first page).

    Only what `page` issues is a cursor: an id the database can hold. Anything else — a
    negative number, one beyond 64 bits (the database would refuse it: 500), digits other
    than ASCII — is refused with 422.
    """
    return decode_cursor_ids(cursor, 1)[0] if cursor else 0


def decode_cursor_ids(cursor: str, count: int) -> tuple[int, ...]:
    """Return the `count` ids ("<id>.<id>…") of a cursor; 422 unless each is a valid id."""
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError
        decoded = ""
    parts = decoded.split(".")
    if len(parts) != count or not all(_is_id(part) for part in parts):
        abort(422, message="the cursor is not valid", errors={"cursor": ["not a valid cursor"]})
    return tuple(int(part) for part in parts)


def _is_id(text: str) -> bool:
    return _CURSOR_ID.fullmatch(text) is not None and int(text) <= MAX_ID


def page(items: list[dict], limit: int, key: str = "id") -> dict:
    """Return a page; there is a next cursor when the page is full."""
    next_cursor = None
    if len(items) == limit:
        next_cursor = base64.urlsafe_b64encode(str(items[-1][key]).encode()).decode()
    return {"items": items, "next_cursor": next_cursor}
