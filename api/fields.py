"""Marshmallow fields of the API's own: amounts as strings, cursors."""

from __future__ import annotations

import marshmallow as ma

from reconcile.clock import local_iso
from reconcile.money import InvalidAmount, format_yuan, parse_yuan


class Amount(ma.fields.Field):
    """A yuan amount as a string with at most two decimals ("1234.50"); integer fen inside.

    A JSON number is refused: floats are not money.
    """

    default_error_messages = {  # noqa: RUF012 - marshmallow's own convention
        "not_string": 'amounts are strings such as "1234.50", not JSON numbers',
        "invalid": "{reason}",
        "not_positive": "the amount must be greater than zero",
    }

    def __init__(self, *, positive: bool = True, **kwargs) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {
            "type": "string",
            "pattern": r"^\d{1,13}(\.\d{1,2})?$",
            "example": "1234.50",
            **kwargs["metadata"],
        }
        super().__init__(**kwargs)
        self.positive = positive

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_yuan(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("not_string")
        try:
            fen = parse_yuan(value)
        except InvalidAmount as e:
            raise self.make_error("invalid", reason=str(e)) from e
        if self.positive and fen <= 0:
            raise self.make_error("not_positive")
        return fen


class SignedAmount(ma.fields.Field):
    """A signed yuan amount for output only: credits positive, debits negative."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("metadata", {"type": "string", "example": "-1234.50"})
        kwargs["dump_only"] = True
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_yuan(value)


class LocalDateTime(ma.fields.DateTime):
    """A moment in ISO 8601 with the court's offset (+08:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return local_iso(value)


MAX_ID = 2**63 - 1  #: BIGINT: no id is larger, and the database refuses a larger number


def Id(**kwargs) -> ma.fields.Integer:
    """An id in a query or a body, within what the database can hold (else 422, not 500)."""
    return ma.fields.Integer(validate=ma.validate.Range(min=0, max=MAX_ID), **kwargs)
