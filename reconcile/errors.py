"""Named domain errors, and the messages they carry.

A message is an English template with named facts, `"case {case_number} is closed"` with
`case_number=…`: the template is the catalogue's key (api/translations, extracted by
`make messages`), and the edge renders it in the reader's language (api/message_catalogue.py).
The domain never writes a sentence it cannot take back apart. The API maps each `code` to an
HTTP status in api/errors.py.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field


def N_(template: str) -> str:
    """Mark a template kept in a constant, so that `make messages` extracts it."""
    return template


def fill(template: str, facts: dict) -> str:
    """Return `template` with its `{named}` facts filled in, in English.

    A fact may itself be a message (anything with `template` and `facts`), or a list of
    them, said one after the other. A fact the template names but was not given shows as
    its name, so a wrong template reads oddly instead of failing the request.
    """
    return render(template, facts, lambda t: t, ", ")


def render(template: str, facts: dict, translate, separator: str) -> str:
    """Return `template` translated by `translate` and filled with `facts`, each nested
    message translated the same way: the one renderer for every language."""
    values = _Named({name: _value(v, translate, separator) for name, v in facts.items()})
    try:  # str.format_map: string.Formatter's parse, in C (an alert scan says 200,000)
        return translate(template).format_map(values)
    except (ValueError, IndexError, AttributeError):
        return template


@dataclass(frozen=True, slots=True)
class Message:
    """A template and its facts, to be said in the reader's language later."""

    template: str
    facts: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return fill(self.template, self.facts)


def placeholders(template: str) -> set[str]:
    """Return the names of the facts `template` fills in."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


class Said:
    """An exception that says a message: a literal English template filled from `facts`
    (checked by tests/unit/test_messages.py); `message` is its English."""

    def __init__(self, message: str, **facts) -> None:
        self.template = message
        self.facts = facts
        self.message = fill(message, facts)
        super().__init__(self.message)


class DomainError(Said, Exception):
    """A request the domain refuses; `code` is machine-readable, the message is for people."""

    code = "domain_error"


class ValueProblem(Said, ValueError):
    """A value the domain cannot read (a case number, an amount, a sub-account), said as
    a DomainError is, so that the error that wraps it can pass it on as a fact
    (`ValidationFailed("{reason}", reason=problem, field=…)`)."""


class _Named(dict):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


_FORMATTER = string.Formatter()


def _value(value, translate, separator: str):
    if value is None:
        return "—"
    if isinstance(value, str | int):  # a plain fact (the most common: no message to say)
        return value
    if hasattr(value, "template") and hasattr(value, "facts"):
        return render(value.template, value.facts, translate, separator)
    if isinstance(value, list | tuple) and value and all(hasattr(v, "template") for v in value):
        return separator.join(render(v.template, v.facts, translate, separator) for v in value)
    return value


class NotFound(DomainError):
    """The thing does not exist, or belongs to a court the actor may not see."""

    code = "not_found"


class Forbidden(DomainError):
    """The actor's role may not do this."""

    code = "forbidden"


class Conflict(DomainError):
    """The thing exists already, or its state does not allow the move."""

    code = "conflict"


class ValidationFailed(DomainError):
    """Input that is well-formed but wrong (a bad case number, a bad sub-account)."""

    code = "validation_error"

    def __init__(self, message: str, *, field: str | None = None, **facts) -> None:
        super().__init__(message, **facts)
        self.field = field


class TotalTooLarge(ValidationFailed):
    """A balance or a statement would exceed the largest total the books hold."""

    code = "total_too_large"


class InsufficientAvailable(DomainError):
    """More than the case's available (undisputed, unreserved) money."""

    code = "insufficient_available"


class PayeeNotNamed(DomainError):
    """A payment to an account that no court document of the case names."""

    code = "payee_not_named"


class IllegalTransition(Conflict):
    """A state machine move that is not allowed from the current state."""

    code = "illegal_transition"


class InvalidFile(DomainError):
    """A statement file that cannot be imported: names the file, line or path, and why."""

    code = "invalid_file"


class UnknownAccount(DomainError):
    """A statement for an account that is not a registered collection account."""

    code = "unknown_account"
