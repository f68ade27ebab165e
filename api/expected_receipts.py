"""Expected receipts (待到账款): money a case is waiting for, registered by enforcement."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import MAX_ACCOUNT, Amount, Day, LocalDateTime, Text
from api.idempotency import idempotent
from reconcile.expected_receipts import ExpectedSource
from reconcile.services import expected_receipts

blp = Blueprint(
    "expected_receipts",
    __name__,
    url_prefix="/cases",
    description="Money a case is waiting for: deductions, auctions, other courts",
)


class ExpectedReceiptCreateSchema(ma.Schema):
    source = ma.fields.String(
        required=True, validate=ma.validate.OneOf([s.value for s in ExpectedSource])
    )
    reference = Text(128, allow_none=True, metadata={"description": "the credit's remark or "
                     "bank reference (EndToEndId) will carry it"})  # fmt: skip
    amount = Amount(required=True)
    expected_by = Day(required=True)
    payer_account = Text(
        MAX_ACCOUNT,
        allow_none=True,
        metadata={"description": "the account that will pay it: the same amount from it, "
                  "booked within the window, fits too"},
    )  # fmt: skip


class ExpectedReceiptSchema(ma.Schema):
    id = ma.fields.Integer()
    case_id = ma.fields.Integer()
    source = ma.fields.String()
    reference = ma.fields.String(allow_none=True)
    amount = Amount()
    payer_account = ma.fields.String(allow_none=True)
    expected_by = ma.fields.Date()
    status = ma.fields.String(metadata={"description": "expected | received"})
    transaction_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "the credit that brought it"}
    )
    received_at = LocalDateTime(allow_none=True)
    created_by = ma.fields.String()
    created_at = LocalDateTime()


class ExpectedReceiptListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ExpectedReceiptSchema))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "always null"})


@blp.route("/<int:case_id>/expected-receipts", methods=["POST"])
@idempotent
@blp.arguments(ExpectedReceiptCreateSchema)
@blp.response(201, ExpectedReceiptSchema)
def register(data, case_id):
    """Register money the case is waiting for; a credit already here that fits is placed"""
    return expected_receipts.register_expected_receipt(
        services().uow(), current_actor(), case_id, **data
    )


@blp.route("/<int:case_id>/expected-receipts")
@blp.response(200, ExpectedReceiptListSchema)
def list_receipts(case_id):
    """List the money the case registered as expected, oldest first"""
    items = expected_receipts.list_expected_receipts(
        services().uow(read_only=True), current_actor(), case_id
    )
    return {"items": items, "next_cursor": None}
