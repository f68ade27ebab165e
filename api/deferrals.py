"""Deferrals and escrow (延缓发放 / 提存): request, approve in layers, reject, end."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.disbursements import ApprovalSchema, DecisionSchema
from api.fields import LocalDateTime
from api.idempotency import idempotent
from api.pagination import page_schema
from reconcile.deferrals import DeferralKind
from reconcile.services import deferrals

blp = Blueprint(
    "deferrals", __name__, url_prefix="", description="Deferrals and escrow; they pause the clock"
)


class DeferralCreateSchema(ma.Schema):
    ground = ma.fields.String(required=True, validate=ma.validate.Length(1, 2000))
    document_reference = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    kind = ma.fields.String(
        load_default=DeferralKind.DEFERRAL.value,
        validate=ma.validate.OneOf([k.value for k in DeferralKind]),
        metadata={"description": "deferral (延缓发放) | escrow (提存)"},
    )
    until = ma.fields.Date(load_default=None, metadata={"description": "planned end, if known"})


class DeferralSchema(ma.Schema):
    id = ma.fields.Integer()
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    kind = ma.fields.String()
    ground = ma.fields.String()
    document_reference = ma.fields.String()
    until = ma.fields.Date(allow_none=True)
    status = ma.fields.String(metadata={"description": "requested | approved | rejected | ended"})
    levels_required = ma.fields.Integer()
    approvals_count = ma.fields.Integer()
    approvals = ma.fields.List(ma.fields.Nested(ApprovalSchema))
    requested_by = ma.fields.String()
    requested_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)
    approved_on = ma.fields.Date(allow_none=True, metadata={"description": "the clock stops"})
    ended_on = ma.fields.Date(allow_none=True)


DeferralPageSchema = page_schema(DeferralSchema, "DeferralPage")


@blp.route("/cases/<int:case_id>/deferrals", methods=["POST"])
@idempotent
@blp.arguments(DeferralCreateSchema)
@blp.response(201, DeferralSchema)
def request_deferral(data, case_id):
    """Request a deferral or escrow on a legal ground (enforcement)"""
    return deferrals.request_deferral(
        services().uow(), current_actor(), case_id, settings=services().settings, **data
    )


@blp.route("/cases/<int:case_id>/deferrals", methods=["GET"])
@blp.response(200, DeferralPageSchema)
def list_of_case(case_id):
    """List a case's deferrals, oldest first"""
    items = deferrals.deferrals_of_case(services().uow(read_only=True), current_actor(), case_id)
    return {"items": items, "next_cursor": None}


@blp.route("/deferrals/<int:deferral_id>", methods=["GET"])
@blp.response(200, DeferralSchema)
def get(deferral_id):
    """Read a deferral with its approvals"""
    return deferrals.get_deferral(services().uow(read_only=True), current_actor(), deferral_id)


@blp.route("/deferrals/<int:deferral_id>/approve", methods=["POST"])
@idempotent
@blp.arguments(DecisionSchema)
@blp.response(200, DeferralSchema)
def approve(data, deferral_id):
    """Approve at the next level; the last level stops the clock (approver, not the requester)"""
    return deferrals.approve_deferral(services().uow(), current_actor(), deferral_id, **data)


@blp.route("/deferrals/<int:deferral_id>/reject", methods=["POST"])
@idempotent
@blp.arguments(DecisionSchema)
@blp.response(200, DeferralSchema)
def reject(data, deferral_id):
    """Reject a deferral request (approver, not the requester)"""
    return deferrals.reject_deferral(services().uow(), current_actor(), deferral_id, **data)


@blp.route("/deferrals/<int:deferral_id>/end", methods=["POST"])
@idempotent
@blp.response(200, DeferralSchema)
def end(deferral_id):
    """End an approved deferral; the clock runs again (enforcement or approver)"""
    return deferrals.end_deferral(services().uow(), current_actor(), deferral_id)
