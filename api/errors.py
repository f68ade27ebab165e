"""Errors as application/problem+json (RFC 9457), from one table of domain error codes."""

from __future__ import annotations

import logging

import marshmallow as ma
from flask import Flask, Response, current_app, json
from werkzeug.exceptions import HTTPException

from api.message_catalogue import LANGUAGES, requested_language, say
from reconcile.errors import N_, DomainError, Message, ValidationFailed

log = logging.getLogger(__name__)

PROBLEM_TYPE = "urn:reconcile:problem:{code}"
PROBLEM_MIMETYPE = "application/problem+json"

#: domain error code -> HTTP status
STATUS_OF = {
    "unknown_layout": 422,
    "account_mismatch": 422,
    "not_found": 404,
    "forbidden": 403,
    "wrong_position": 403,
    "no_payments_to_export": 409,
    "conflict": 409,
    "illegal_transition": 409,
    "case_has_funds": 409,
    "case_closed": 409,
    "validation_error": 422,
    "total_too_large": 422,  # reconcile/errors.py: above the largest total the books hold
    "sign_in_refused": 401,  # reconcile/services/users.py
    "insufficient_available": 422,
    "payee_not_named": 422,
    "exceeds_entitlement": 422,  # reconcile/entitlements.py
    "entitlements_unpaid": 422,  # reconcile/entitlements.py
    "escrow_not_approved": 422,  # reconcile/disbursements.py
    "unsafe_pattern": 422,  # reconcile/services/line_rules.py
    "unlawful_payee_account": 422,
    "payee_name_mismatch": 422,
    "invalid_file": 422,
    "unknown_account": 422,
    "statement_money_used": 409,
    "statement_void_pending": 409,
    "idempotency_key_reused": 409,
    "idempotency_request_in_progress": 409,
}

#: HTTP status -> code for errors raised outside the domain
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
}


class ProblemSchema(ma.Schema):
    """An error, as RFC 9457 describes it, with our machine-readable code."""

    class Meta:
        unknown = ma.INCLUDE  #: extension members: the facts of the error (RFC 9457 §3.2)

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    code = ma.fields.String()
    errors = ma.fields.Dict()


def problem(
    status: int,
    code: str,
    detail: str | Message | DomainError,
    *,
    title: str | None = None,
    errors: dict | None = None,
    headers: dict | None = None,
    **extra,
) -> Response:
    """Return a problem+json response. A message (a Message, a domain error) as the detail,
    a field error or an extension member is said in the request's language; a member
    that is not JSON data (a list of messages) is left out."""
    language = problem_language()
    if errors:
        errors = {
            name: [_said(m, language) for m in messages] if isinstance(messages, list) else messages
            for name, messages in errors.items()
        }
    members = {name: _said(value, language) for name, value in extra.items()}
    body = {
        "type": PROBLEM_TYPE.format(code=code),
        "title": title or title_of(code, language),
        "status": status,
        "detail": _said(detail, language),
        "code": code,
        **{name: value for name, value in members.items() if _is_json_plain(value)},
    }
    if errors:
        body["errors"] = errors
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_language() -> str:
    """The language of this request's problem: `Accept-Language`'s, else the court's
    ([web] language, Chinese)."""
    services = current_app.extensions.get("reconcile")
    default = services.settings["web"]["language"] if services else "zh"
    return requested_language(default if default in LANGUAGES else "zh")


def title_of(code: str, language: str) -> str:
    """Return the name of a problem's code in `language` (the pages' `error.<code>`)."""
    from api.web.messages import MESSAGES  # here: api.web's package imports the app

    pair = MESSAGES.get(f"error.{code}")
    if pair is None:
        return code.replace("_", " ").capitalize()
    return pair[LANGUAGES.index(language)] or pair[1]


def domain_problem(error: DomainError) -> Response:
    errors = None
    if isinstance(error, ValidationFailed) and error.field:
        errors = {error.field: [error]}
    facts = {k: v for k, v in error.facts.items() if k not in _PROBLEM_FIELDS}
    return problem(STATUS_OF.get(error.code, 422), error.code, error, errors=errors, **facts)


def http_problem(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    code = data.get("code") or HTTP_CODES.get(status, "error")
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= {
        "json",
        "query",
        "form",
        "files",
        "headers",
        "multipart",
    }:
        # a location's messages are by field, or a list for the whole of it (malformed JSON)
        errors = {
            k: v
            for location, part in errors.items()
            for k, v in (part.items() if isinstance(part, dict) else [(location, part)])
        }
    detail = data.get("message") or HTTP_DETAILS.get(status) or error.description or error.name
    if errors and not data.get("message"):
        detail = HTTP_DETAILS[422]
    if isinstance(detail, str) and detail in _SAID:  # one of ours, not a library's
        detail = Message(detail)
    headers = data.get("headers") or {}
    if status == 401:
        headers = {**headers, "WWW-Authenticate": "Bearer"}
    return problem(status, code, detail, errors=errors, headers=headers)


#: what the API says of an HTTP error raised outside the domain
HTTP_DETAILS = {
    400: N_("the request is not valid"),
    401: N_("a bearer token is required"),
    403: N_("your role may not do this"),
    404: N_("nothing is at this address"),
    405: N_("this address does not take that method"),
    413: N_("the request is too large"),
    415: N_("this content type is not accepted here"),
    422: N_("the request has invalid fields"),
    429: N_("too many requests: try again later"),
    500: N_("an unexpected error occurred; it has been logged"),
}
#: the messages of our own abort() calls (api/auth.py, api/pagination.py)
_SAID = {
    *HTTP_DETAILS.values(),
    N_("the token is not valid"),
    N_("the cursor is not valid"),
}


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_problem)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_problem(error)
        log.exception("unhandled error")
        return problem(500, "internal_error", Message(HTTP_DETAILS[500]))


#: facts of a domain error may not overwrite the problem's own members
_PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "errors", "headers"}


def _said(value, language: str):
    """A fact as the problem shows it: a nested message said in the problem's language."""
    if hasattr(value, "template") and hasattr(value, "facts"):
        return say(value.template, value.facts, language)
    return value


def _is_json_plain(value) -> bool:
    if isinstance(value, list):
        return all(_is_json_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_plain(v) for k, v in value.items())
    return isinstance(value, str | int | bool) or value is None
