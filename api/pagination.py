"""Cursor pagination: lists answer {"items": [...], "next_cursor": "..." | null}."""

from __future__ import annotations

import base64

import marshmallow as ma
from flask_smorest import abort

MAX_LIMIT = 500


class PageQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_LIMIT))
    cursor = ma.fields.String(load_default=None)


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
    """Return the last id of the previous page (0 for the first page)."""
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except ValueError:
        abort(422, message="the cursor is not valid", errors={"cursor": ["not a valid cursor"]})


def page(items: list[dict], limit: int, key: str = "id") -> dict:
    """Return a page; there is a next cursor when the page is full."""
    next_cursor = None
    if len(items) == limit:
        next_cursor = base64.urlsafe_b64encode(str(items[-1][key]).encode()).decode()
    return {"items": items, "next_cursor": next_cursor}
