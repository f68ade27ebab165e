"""Deferrals and escrow (延缓发放 / 提存): request, approve in layers, reject, end."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.approvals import RequestRoutes, RequestSchema
from api.auth import current_actor
from api.context import services
from api.fields import Day
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


class DeferralSchema(RequestSchema):
    kind = ma.fields.String()
    ground = ma.fields.String()
    document_reference = ma.fields.String()
    until = ma.fields.Date(allow_none=True)
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


@blp.route("/deferrals/<int:deferral_id>/end", methods=["POST"])
@idempotent
@blp.response(200, DeferralSchema)
def end(deferral_id):
    """End an approved deferral; the clock runs again (enforcement or approver)"""
    return deferrals.end_deferral(services().uow(), current_actor(), deferral_id)
