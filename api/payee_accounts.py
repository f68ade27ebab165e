"""Changing a case's payee accounts after filing: request with a document, approve, audit."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.approvals import RequestRoutes, RequestSchema
from api.cases import AgentSchema
from api.fields import MAX_NAME, Text
from reconcile.services import payee_accounts

blp = Blueprint(
    "payee_accounts", __name__, url_prefix="", description="Payee-account changes (art. 20)"
)


class PayeeChangeCreateSchema(ma.Schema):
    applicant_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    account_number = ma.fields.String(required=True, validate=ma.validate.Length(1, 64))
    account_name = Text(MAX_NAME, load_default=None, allow_none=True)
    bank_name = Text(MAX_NAME, load_default=None, allow_none=True)
    document_reference = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    agent = ma.fields.Nested(
        AgentSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "an account in the name of the applicant's agent (特别授权)"},
    )


class PayeeChangeSchema(RequestSchema):
    applicant_name = ma.fields.String()
    account_number = ma.fields.String()
    account_name = ma.fields.String(allow_none=True)
    bank_name = ma.fields.String(allow_none=True)
    document_reference = ma.fields.String()
    agent_name = ma.fields.String(allow_none=True)
    authorisation_document = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "requested | approved | rejected"})


ROUTES = RequestRoutes(
    blp,
    "/payee-account-changes/<int:change_id>",
    PayeeChangeSchema,
    {
        "request_change": "Ask to name another payee account for an applicant; pending approval "
        "(enforcement)",
        "list_of_case": "List a case's payee-account change requests, oldest first",
        "get": "Read a payee-account change request",
        "approve": "Approve; the last level names the account and tells the desk "
        "(approver ≠ requester)",
        "reject": "Reject a payee-account change (approver, not the requester)",
    },
)
ROUTES.create(
    "request_change",
    "/cases/<int:case_id>/payee-accounts",
    PayeeChangeCreateSchema,
    payee_accounts.request_payee_account,
)
ROUTES.of_case(
    "/cases/<int:case_id>/payee-account-changes",
    payee_accounts.payee_changes_of_case,
    "PayeeChangePage",
)
ROUTES.read(payee_accounts.get_payee_change)
ROUTES.decisions(payee_accounts.approve_payee_change, payee_accounts.reject_payee_change)
