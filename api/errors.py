"""Errors as application/problem+json (RFC 9457), from one table of domain error codes."""

from __future__ import annotations

import logging

import marshmallow as ma
from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from reconcile.errors import DomainError, ValidationFailed

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
    detail: str,
    *,
    title: str | None = None,
    errors: dict | None = None,
    headers: dict | None = None,
    **extra,
) -> Response:
    """Return a problem+json response."""
    body = {
        "type": PROBLEM_TYPE.format(code=code),
        "title": title or code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    if errors:
        body["errors"] = errors
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def domain_problem(error: DomainError) -> Response:
    status = STATUS_OF.get(error.code, 422)
    errors = None
    if isinstance(error, ValidationFailed) and error.field:
        errors = {error.field: [error.message]}
    facts = {k: v for k, v in error.facts.items() if _is_json_plain(v) and k not in _PROBLEM_FIELDS}
    return problem(status, error.code, error.message, errors=errors, **facts)


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
    detail = data.get("message") or error.description or error.name
    if errors and not data.get("message"):
        detail = "the request has invalid fields"
    headers = data.get("headers") or {}
    if status == 401:
        headers = {**headers, "WWW-Authenticate": "Bearer"}
    return problem(status, code, detail, title=error.name, errors=errors, headers=headers)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_problem)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_problem(error)
        log.exception("unhandled error")
        return problem(500, "internal_error", "an unexpected error occurred; it has been logged")


#: facts of a domain error may not overwrite the problem's own members
_PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "errors", "headers"}


def _is_json_plain(value) -> bool:
    return isinstance(value, str | int | bool | list | dict) or value is None
