"""The problem responses (application/problem+json) of every operation, in the document.

A client branches on `code`; the document says, for each operation and 4xx status, which
codes it can answer. They come from two places:

- the shape of the operation (`shape_problems`): every operation needs a bearer token
  (401 `unauthorized`); one with a path id may name nothing this token may see (404
  `not_found`); one with parameters or a body may be refused (422 `validation_error`); a
  JSON body may not parse (400 `bad_request`); every POST takes an `Idempotency-Key`
  (400 `bad_request` when too long, 409 `idempotency_key_reused` and
  `idempotency_request_in_progress`);
- the table `PROBLEMS` below: what each use case refuses (the role, the state, the money),
  keyed by operation, so the route modules need no decorator of their own.

`ProblemsPlugin` (an apispec plugin) writes the union into each operation's responses:
the common `Problem` schema with `code` narrowed to those values. tests/integration/
test_problem_responses.py drives every operation and fails on an answer the document
does not list.
"""

from __future__ import annotations

from apispec import BasePlugin

from api.errors import PROBLEM_MIMETYPE

#: what each code means, for the document and docs/api.md
MEANINGS: dict[str, str] = {
    "bad_request": "the request cannot be read: malformed JSON, or an Idempotency-Key "
    "over 200 characters",
    "unauthorized": "no bearer token, or a token that is not valid (revoked, expired, unknown)",
    "forbidden": "the token's role may not do this (`allowed_roles` lists those that may), "
    "or an approver decides a request they made themselves",
    "not_found": "nothing of that id in the courts this token may see",
    "conflict": "the thing exists already, or changed meanwhile: read it again",
    "illegal_transition": "the resource's state does not allow this move (e.g. approving "
    "a rejected payment, assigning money to a closed case)",
    "idempotency_key_reused": "the Idempotency-Key was used before for a different request",
    "idempotency_request_in_progress": "a request with this Idempotency-Key is still running",
    "validation_error": "a field is missing or wrong; `errors` maps each field to its messages",
    "total_too_large": "a balance or a statement would exceed the largest total the books hold",
    "insufficient_available": "more than the case's available (undisputed, unreserved) money",
    "payee_not_named": "no court document of the case names this payee account "
    "(an alert is raised)",
    "exceeds_entitlement": "a payment above what its applicant is still owed and not yet "
    "requested (`applicant`, `unpaid`): the payee check is per applicant",
    "entitlements_unpaid": "a refund to the respondent while an applicant's entitlement is "
    "unpaid or unknown (`applicants`), unless `document_overrides_entitlements`",
    "escrow_not_approved": "an escrow payment (提存) needs an approved escrow deferral on the case",
    "unlawful_payee_account": "the account is a respondent's on the case, a collection account, "
    "a case's sub-account or the court's own (`belongs_to` says which): never an applicant's "
    "payee account",
    "invalid_file": "the statement file cannot be imported: `detail` names the file, line or "
    "field, and why",
    "unknown_account": "the statement is of an account that is not a registered collection account",
    "unknown_layout": "no profile reads the file's layout: `rows` are the rows looked at and "
    "`guess` a guess per column; map it once on the upload page (a statement profile)",
    "account_mismatch": "the file's (masked) account fits none of the court's collection accounts",
    "payload_too_large": "the upload exceeds the configured limit ([imports] max_upload_mb)",
    "statement_money_used": "money the import brought has been used since (paid out, held, "
    "reserved, assigned onwards, refunded): `blockers` lists each use",
    "statement_void_pending": "the import is voided already, or a void of it awaits a decision",
    "wrong_position": "the request's next approval level is decided by another position "
    "(职务): `level` and `position` name it, `your_position` is yours",
    "case_has_funds": "the case may not close while money, active holds, payments on their "
    "way or open deferrals remain on it: `blockers` lists each",
    "case_closed": "the case is closed for good (执行完毕 and every final closure type): "
    "money for it is refunded to the payer, never placed on it; a case closed as 终结本次执行 "
    "takes it, with a `resume_needed` alert",
    "payee_name_mismatch": "the payee account's `account_name` is not the applicant's name: "
    "register it as an agent's account (`agent` with its `authorisation_document`, 特别授权), "
    "which needs approval",
    "no_payments_to_export": "every approved payment of the court is in a payment file "
    "already: download one again (`batch`)",
    "unsafe_pattern": "a line rule's `remark_pattern` is too long, does not compile, or could "
    "backtrack for ever (back-references, repeats inside repeated groups)",
}

#: approving and rejecting a request: the role, one's own request, a decided one
_DECISION = {403: ("forbidden",), 409: ("conflict", "illegal_transition")}

#: the codes each operation answers beyond those of its shape, by `METHOD /path` (below
#: /api/v1) and status
PROBLEMS: dict[str, dict[int, tuple[str, ...]]] = {
    "POST /cases": {
        403: ("forbidden",),
        409: ("conflict",),
        422: ("payee_name_mismatch", "unlawful_payee_account"),
    },
    "PATCH /cases/{case_id}": {
        403: ("forbidden",),
        409: ("illegal_transition", "case_has_funds"),
    },
    "GET /verify-account": {403: ("forbidden",), 404: ("not_found",)},
    "POST /statements": {
        403: ("forbidden",),
        404: ("not_found",),
        413: ("payload_too_large",),
        422: (
            "invalid_file",
            "unknown_account",
            "unknown_layout",
            "account_mismatch",
            "total_too_large",
        ),
    },
    "POST /statements/{statement_id}/void": {
        403: ("forbidden",),
        409: ("statement_money_used", "statement_void_pending"),
    },
    "POST /statement-voids/{void_id}/approve": {
        **_DECISION,
        409: ("conflict", "illegal_transition", "statement_money_used", "statement_void_pending"),
    },
    "POST /statement-voids/{void_id}/reject": _DECISION,
    "POST /transactions/{transaction_id}/assign": {
        403: ("forbidden",),
        409: ("illegal_transition", "case_closed"),
        422: ("total_too_large",),
    },
    "POST /transactions/{transaction_id}/unassign": {
        403: ("forbidden",),
        409: ("illegal_transition",),
        422: ("insufficient_available",),
    },
    "POST /transactions/{transaction_id}/refund": {
        403: ("forbidden",),
        409: ("illegal_transition",),
    },
    "POST /transactions/{transaction_id}/split": {
        403: ("forbidden",),
        409: ("illegal_transition", "case_closed"),
        422: ("insufficient_available", "total_too_large"),
    },
    "POST /transactions/assign-bulk": {403: ("forbidden",)},
    "POST /cases/{case_id}/expected-receipts": {
        403: ("forbidden",),
        409: ("illegal_transition",),
    },
    "POST /cases/{case_id}/holds": {
        403: ("forbidden",),
        409: ("illegal_transition",),
        422: ("insufficient_available",),
    },
    "POST /holds/{hold_id}/release": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
    },
    "POST /cases/{case_id}/disbursements": {
        403: ("forbidden",),
        409: ("illegal_transition",),
        422: (
            "payee_not_named",
            "insufficient_available",
            "exceeds_entitlement",
            "entitlements_unpaid",
            "escrow_not_approved",
        ),
    },
    "POST /disbursements/{disbursement_id}/approve": {
        **_DECISION,
        403: ("forbidden", "wrong_position"),
        422: ("insufficient_available",),  # money held since it was requested
    },
    "POST /disbursements/bulk-approve": {403: ("forbidden",)},
    "POST /disbursements/{disbursement_id}/reject": {
        **_DECISION,
        403: ("forbidden", "wrong_position"),
    },
    # finance review, resubmission, payment files (#21)
    "POST /disbursements/{disbursement_id}/review": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
        422: ("insufficient_available",),
    },
    "POST /disbursements/{disbursement_id}/resubmit": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
        422: ("payee_not_named", "insufficient_available", "exceeds_entitlement"),
    },
    "GET /disbursements/payment-file": {
        403: ("forbidden",),
        404: ("not_found",),
        409: ("conflict", "no_payments_to_export"),
    },
    "GET /disbursements/payment-files": {403: ("forbidden",)},
    "GET /disbursements/payment-files/{batch_id}": {403: ("forbidden",)},
    "GET /disbursements/payment-files/{batch_id}/file": {403: ("forbidden",)},
    "POST /disbursements/{disbursement_id}/mark-paid": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
    },
    "POST /alerts/{alert_id}/acknowledge": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
    },
    "POST /alerts/{alert_id}/resolve": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
    },
    "POST /alerts/bulk-acknowledge": {403: ("forbidden",)},
    "POST /alerts/bulk-resolve": {403: ("forbidden",)},
    "GET /reports/reconciliation": {403: ("forbidden",), 404: ("not_found",)},
    "GET /reports/execution-finance-check": {404: ("not_found",)},
    "GET /cases/{case_id}/execution-fee": {404: ("not_found",)},
    "POST /cases/{case_id}/deferrals": {403: ("forbidden",), 409: ("illegal_transition",)},
    "POST /deferrals/{deferral_id}/approve": _DECISION,
    "POST /deferrals/{deferral_id}/reject": _DECISION,
    "POST /deferrals/{deferral_id}/end": {403: ("forbidden",), 409: ("illegal_transition",)},
    "POST /deferrals/{deferral_id}/review": _DECISION,
    "POST /cases/{case_id}/payee-accounts": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
        422: ("unlawful_payee_account", "payee_name_mismatch"),
    },
    # line rules: lines that are not case money (#18)
    "GET /line-rules": {403: ("forbidden",)},
    "POST /line-rules": {
        403: ("forbidden",),
        404: ("not_found",),
        409: ("conflict",),
        422: ("unsafe_pattern",),
    },
    "PATCH /line-rules/{rule_id}": {
        403: ("forbidden",),
        409: ("conflict",),
        422: ("unsafe_pattern",),
    },
    "GET /line-rules/{rule_id}/matches": {403: ("forbidden",)},
    # statement profiles (#14)
    "POST /statement-profiles": {403: ("forbidden",), 404: ("not_found",), 409: ("conflict",)},
    "PATCH /statement-profiles/{profile_id}": {
        403: ("forbidden",),
        409: ("conflict",),
    },
    "POST /payee-account-changes/{change_id}/approve": {
        **_DECISION,
        422: ("unlawful_payee_account",),  # the account became a court's since the request
    },
    "POST /payee-account-changes/{change_id}/reject": _DECISION,
    # distribution plans (分配方案, #17): one open plan per case; the state of the plan
    "POST /cases/{case_id}/distribution-plans": {
        403: ("forbidden",),
        409: ("conflict",),
        422: ("exceeds_entitlement",),
    },
    "POST /distribution-plans/{plan_id}/objections": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
    },
    "POST /distribution-plans/{plan_id}/withdraw": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
    },
    "POST /distribution-plans/{plan_id}/execute": {
        403: ("forbidden",),
        409: ("conflict", "illegal_transition"),
    },
}

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Payload too large",
    422: "Unprocessable content",
}


def shape_problems(method: str, path: str, operation: dict) -> dict[int, list[str]]:
    """Return the codes an operation answers by its shape alone, by status."""
    found: dict[int, list[str]] = {}
    if operation.get("security") != []:
        found[401] = ["unauthorized"]
    if "{" in path:
        found[404] = ["not_found"]
    body = operation.get("requestBody", {}).get("content", {})
    if operation.get("parameters") or body:
        found[422] = ["validation_error"]
    if "application/json" in body:
        found[400] = ["bad_request"]
    if method == "post":
        found[400] = ["bad_request"]
        found[409] = ["idempotency_key_reused", "idempotency_request_in_progress"]
    return found


def problems_of(method: str, path: str, operation: dict) -> dict[int, list[str]]:
    """Return every code the operation answers, by status: its shape's and the table's."""
    found = shape_problems(method, path, operation)
    for status, codes in PROBLEMS.get(f"{method.upper()} {path}", {}).items():
        found[status] = [
            *found.get(status, []),
            *(c for c in codes if c not in found.get(status, [])),
        ]
    return dict(sorted(found.items()))


def problem_response(status: int, codes: list[str]) -> dict:
    """Return the response object of `status` answering one of `codes`."""
    listed = "; ".join(f"`{code}`: {MEANINGS[code]}" for code in codes)
    return {
        "description": f"{_TITLES.get(status, 'Error')}. `code` is one of: {listed}.",
        "content": {
            PROBLEM_MIMETYPE: {
                "schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Problem"},
                        {
                            "type": "object",
                            "required": ["code"],
                            "properties": {"code": {"type": "string", "enum": list(codes)}},
                        },
                    ]
                }
            }
        },
    }


class ProblemsPlugin(BasePlugin):
    """Write each operation's problem responses as the path is added to the spec."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        path = path.removeprefix(self.prefix)
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            for status, codes in problems_of(method, path, operation).items():
                responses[str(status)] = problem_response(status, codes)
