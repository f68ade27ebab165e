"""Changing a case's payee accounts after filing: request with a document, approve, audit."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.disbursements import ApprovalSchema, DecisionSchema
from api.fields import LocalDateTime
from api.idempotency import idempotent
from api.pagination import page_schema
from reconcile.services import payee_accounts

blp = Blueprint(
    "payee_accounts", __name__, url_prefix="", description="Payee-account changes (art. 20)"
)


class PayeeChangeCreateSchema(ma.Schema):
    applicant_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    account_number = ma.fields.String(required=True, validate=ma.validate.Length(1, 64))
    account_name = ma.fields.String(load_default=None, allow_none=True)
    bank_name = ma.fields.String(load_default=None, allow_none=True)
    document_reference = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))


class PayeeChangeSchema(ma.Schema):
    id = ma.fields.Integer()
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    applicant_name = ma.fields.String()
    account_number = ma.fields.String()
    account_name = ma.fields.String(allow_none=True)
    bank_name = ma.fields.String(allow_none=True)
    document_reference = ma.fields.String()
    status = ma.fields.String(metadata={"description": "requested | approved | rejected"})
    levels_required = ma.fields.Integer()
    approvals_count = ma.fields.Integer()
    approvals = ma.fields.List(ma.fields.Nested(ApprovalSchema))
    requested_by = ma.fields.String()
    requested_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)


PayeeChangePageSchema = page_schema(PayeeChangeSchema, "PayeeChangePage")


@blp.route("/cases/<int:case_id>/payee-accounts", methods=["POST"])
@idempotent
@blp.arguments(PayeeChangeCreateSchema)
@blp.response(201, PayeeChangeSchema)
def request_change(data, case_id):
    """Ask to name another payee account for an applicant; pending approval (enforcement)"""
    return payee_accounts.request_payee_account(
        services().uow(), current_actor(), case_id, settings=services().settings, **data
    )


@blp.route("/cases/<int:case_id>/payee-account-changes", methods=["GET"])
@blp.response(200, PayeeChangePageSchema)
def list_of_case(case_id):
    """List a case's payee-account change requests, oldest first"""
    items = payee_accounts.payee_changes_of_case(
        services().uow(read_only=True), current_actor(), case_id
    )
    return {"items": items, "next_cursor": None}


@blp.route("/payee-account-changes/<int:change_id>", methods=["GET"])
@blp.response(200, PayeeChangeSchema)
def get(change_id):
    """Read a payee-account change request"""
    return payee_accounts.get_payee_change(
        services().uow(read_only=True), current_actor(), change_id
    )


@blp.route("/payee-account-changes/<int:change_id>/approve", methods=["POST"])
@idempotent
@blp.arguments(DecisionSchema)
@blp.response(200, PayeeChangeSchema)
def approve(data, change_id):
    """Approve; the last level names the account and tells the desk (approver ≠ requester)"""
    return payee_accounts.approve_payee_change(services().uow(), current_actor(), change_id, **data)


@blp.route("/payee-account-changes/<int:change_id>/reject", methods=["POST"])
@idempotent
@blp.arguments(DecisionSchema)
@blp.response(200, PayeeChangeSchema)
def reject(data, change_id):
    """Reject a payee-account change (approver, not the requester)"""
    return payee_accounts.reject_payee_change(services().uow(), current_actor(), change_id, **data)
