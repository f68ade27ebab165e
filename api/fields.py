"""Marshmallow fields of the API's own: amounts as strings, cursors."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage

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


MAX_NOTE = 2000  #: a note, reason or ground: a paragraph, never a document
MAX_NAME = 200  #: a person's, bank's or account's name; a document reference
MAX_ACCOUNT = 64  #: an account number (IBANs are 34; Chinese sub-accounts fewer)

#: the days a date in the API may name: any court date is well inside, and a day's
#: neighbours are still dates (9999-12-31 + 1 day overflows: 500)
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2999, 12, 31)


def Day(**kwargs) -> ma.fields.Date:
    """A calendar day between MIN_DAY and MAX_DAY (else 422)."""
    return ma.fields.Date(validate=ma.validate.Range(min=MIN_DAY, max=MAX_DAY), **kwargs)


def Text(max: int = MAX_NOTE, *, min: int = 0, **kwargs) -> ma.fields.String:
    """A text field of at most `max` characters (a 9 MB note is refused with 422)."""
    return ma.fields.String(validate=ma.validate.Length(min=min, max=max), **kwargs)


class StatementFormat(ma.fields.String):
    """`ofx | camt053 | mt940 | csv[:profile]`, case-insensitive; an unknown CSV profile is
    refused here (422) — the importers would fail on it with a KeyError (500)."""

    def _deserialize(self, value, attr, data, **kwargs):
        spec = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if len(spec) > MAX_NAME:
            raise ma.ValidationError(f"at most {MAX_NAME} characters")
        name, colon, profile = spec.partition(":")
        if colon:
            from importers.tabular.profiles import all_profiles

            known = sorted(all_profiles())
            if profile.strip() not in known:
                raise ma.ValidationError(
                    f"unknown CSV profile {profile.strip()!r}; known: {', '.join(known)}"
                )
            spec = f"{name}:{profile.strip()}"
        return spec


class UploadedFile(Upload):
    """A file part of a multipart body; a plain form field of the same name is refused (a
    file name with a line break makes the part a field: it reached the view as a str, 500)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("not a file: send it as a multipart file part")
        return value
