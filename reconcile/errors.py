"""Named domain errors. The API maps each `code` to an HTTP status in api/errors.py."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; `code` is machine-readable, the message is for people."""

    code = "domain_error"

    def __init__(self, message: str, **facts) -> None:
        super().__init__(message)
        self.message = message
        self.facts = facts


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
