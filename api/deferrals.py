"""Deferrals and escrow (延缓发放 / 提存): request, approve in layers, reject, end."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.approvals import RequestRoutes, RequestSchema
from api.auth import current_actor
from api.context import services
from api.fields import Amount, Day
from api.idempotency import idempotent
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
    until = Day(load_default=None, metadata={"description": "planned end, if known"})
    review_on = Day(
        load_default=None,
        metadata={
            "description": "the day it is reviewed (deferral_review_due); "
            "until or review_on is required"
        },
    )
    amount = Amount(
        load_default=None,
        allow_none=True,
        metadata={"description": "the waiting money it pauses; omitted: all of the case"},
    )


class DeferralSchema(RequestSchema):
    kind = ma.fields.String()
    ground = ma.fields.String()
    document_reference = ma.fields.String()
    until = ma.fields.Date(allow_none=True)
    review_on = ma.fields.Date(allow_none=True)
    amount = Amount(allow_none=True, metadata={"description": "null: the whole case"})
    late = ma.fields.Boolean(
        metadata={"description": "requested after a clock it pauses was due (deferral_late)"}
    )
    status = ma.fields.String(metadata={"description": "requested | approved | rejected | ended"})
    approved_on = ma.fields.Date(allow_none=True, metadata={"description": "the clock stops"})
    ended_on = ma.fields.Date(allow_none=True)


ROUTES = RequestRoutes(
    blp,
    "/deferrals/<int:deferral_id>",
    DeferralSchema,
    {
        "request_deferral": "Request a deferral or escrow on a legal ground (enforcement)",
        "list_of_case": "List a case's deferrals, oldest first",
        "get": "Read a deferral with its approvals",
        "approve": "Approve at the next level; the last level stops the clock "
        "(approver, not the requester)",
        "reject": "Reject a deferral request (approver, not the requester)",
    },
)
ROUTES.create(
    "request_deferral",
    "/cases/<int:case_id>/deferrals",
    DeferralCreateSchema,
    deferrals.request_deferral,
)
ROUTES.of_case("/cases/<int:case_id>/deferrals", deferrals.deferrals_of_case, "DeferralPage")
ROUTES.read(deferrals.get_deferral)
ROUTES.decisions(deferrals.approve_deferral, deferrals.reject_deferral)


class DeferralReviewSchema(ma.Schema):
    review_on = Day(required=True, metadata={"description": "the next review day, after today"})
    note = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 2000),
        metadata={"description": "why the deferral is kept"},
    )


@blp.route("/deferrals/<int:deferral_id>/review", methods=["POST"])
@idempotent
@blp.arguments(DeferralReviewSchema)
@blp.response(200, DeferralSchema)
def review(body, deferral_id):
    """Keep a deferral after its review, to a new review day (enforcement or approver)"""
    return deferrals.review_deferral(services().uow(), current_actor(), deferral_id, **body)


@blp.route("/deferrals/<int:deferral_id>/end", methods=["POST"])
@idempotent
@blp.response(200, DeferralSchema)
def end(deferral_id):
    """End an approved deferral; the clock runs again (enforcement or approver)"""
    return deferrals.end_deferral(services().uow(), current_actor(), deferral_id)
