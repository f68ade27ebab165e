"""Holds on disputed money: place, release, list (enforcement)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Amount, LocalDateTime
from api.idempotency import idempotent
from api.pagination import page_schema
from reconcile.services import holds

blp = Blueprint("holds", __name__, url_prefix="", description="Holds on disputed money (art. 22)")


class HoldCreateSchema(ma.Schema):
    amount = Amount(required=True, metadata={"description": "may exceed the case's balance"})
    reason = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 200),
        metadata={"example": "案外人异议", "description": "执行异议 / 案外人异议 / 分配方案异议 …"},
    )
    document_reference = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))


class HoldReleaseSchema(ma.Schema):
    amount = Amount(load_default=None, metadata={"description": "omitted: release all of it"})
    document_reference = ma.fields.String(
        load_default=None, validate=ma.validate.Length(1, 200), allow_none=True
    )


class HoldSchema(ma.Schema):
    id = ma.fields.Integer()
    case_id = ma.fields.Integer()
    amount = Amount(positive=False)
    released = Amount(positive=False)
    held = Amount(positive=False, metadata={"description": "what it still holds"})
    reason = ma.fields.String()
    document_reference = ma.fields.String()
    status = ma.fields.String(metadata={"description": "active | released"})
    placed_by = ma.fields.String()
    placed_at = LocalDateTime()
    released_at = LocalDateTime(allow_none=True)


HoldPageSchema = page_schema(HoldSchema, "HoldPage")


@blp.route("/cases/<int:case_id>/holds", methods=["POST"])
@idempotent
@blp.arguments(HoldCreateSchema)
@blp.response(201, HoldSchema)
def place(data, case_id):
    """Hold disputed money of a case (enforcement)"""
    return holds.place_hold(services().uow(), current_actor(), case_id, **data)


@blp.route("/cases/<int:case_id>/holds", methods=["GET"])
@blp.response(200, HoldPageSchema)
def list_of_case(case_id):
    """List a case's holds, oldest first"""
    items = holds.holds_of_case(services().uow(read_only=True), current_actor(), case_id)
    return {"items": items, "next_cursor": None}


@blp.route("/holds/<int:hold_id>", methods=["GET"])
@blp.response(200, HoldSchema)
def get(hold_id):
    """Read a hold"""
    return holds.get_hold(services().uow(read_only=True), current_actor(), hold_id)


@blp.route("/holds/<int:hold_id>/release", methods=["POST"])
@idempotent
@blp.arguments(HoldReleaseSchema)
@blp.response(200, HoldSchema)
def release(data, hold_id):
    """Release a hold in part, or in full when no amount is given (enforcement)"""
    return holds.release_hold(services().uow(), current_actor(), hold_id, **data)
