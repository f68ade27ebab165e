"""Transactions (statement lines): list them, and resolve orphans by assignment (whole,
split across cases, or many at once) or refund."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Amount, Id
from api.idempotency import idempotent
from api.pagination import PageQuerySchema, decode_cursor, page, page_schema
from reconcile.services import splits, transactions

blp = Blueprint(
    "transactions",
    __name__,
    url_prefix="/transactions",
    description="Statement lines and the resolution of unidentified funds",
)


class SuggestionSchema(ma.Schema):
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    sub_account_number = ma.fields.String()
    reason = ma.fields.String()
    action = ma.fields.String(
        metadata={
            "description": "what to do with the money, where proposed: refund_to_payer "
            "(the case is closed for good)"
        }
    )


class PartSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "names the part to `unassign`"})
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    amount = Amount()
    arrived_on = ma.fields.Date(
        metadata={"description": "the bank's booking day of the credit: when it arrived"}
    )
    reason = ma.fields.String()
    placed_by = ma.fields.String()
    placed_at = ma.fields.DateTime()


class TransactionSchema(ma.Schema):
    id = ma.fields.Integer()
    statement_id = ma.fields.Integer()
    direction = ma.fields.String(metadata={"description": "credit | debit"})
    amount = Amount(positive=False)
    currency = ma.fields.String()
    booked_on = ma.fields.Date()
    value_date = ma.fields.Date(allow_none=True)
    bank_reference = ma.fields.String(allow_none=True)
    counterparty_name = ma.fields.String(allow_none=True)
    counterparty_account = ma.fields.String(allow_none=True)
    counterparty_bank = ma.fields.String(allow_none=True)
    remark = ma.fields.String(allow_none=True)
    sub_account = ma.fields.String(allow_none=True)
    status = ma.fields.String(
        metadata={
            "description": "credit: matched | orphan | refunding | refunded; "
            "debit: reconciled | flagged"
        }
    )
    case_id = ma.fields.Integer(allow_none=True)
    match_rule = ma.fields.String(
        allow_none=True,
        metadata={"description": "sub_account | case_number | payer | manual | split"},
    )
    match_evidence = ma.fields.Dict(allow_none=True)
    orphan_reason = ma.fields.String(allow_none=True)
    suggestions = ma.fields.List(ma.fields.Nested(SuggestionSchema), allow_none=True)
    disbursement_id = ma.fields.Integer(allow_none=True)
    resolution_note = ma.fields.String(allow_none=True)
    refund_disbursement_id = ma.fields.Integer(dump_only=True)
    parts = ma.fields.List(
        ma.fields.Nested(PartSchema),
        metadata={"description": "the parts staff placed on cases (assign, split), still placed"},
    )
    unplaced_amount = Amount(
        positive=False,
        allow_none=True,
        metadata={"description": "credit: what no case holds yet (an orphan's remainder)"},
    )


class TransactionQuerySchema(PageQuerySchema):
    status = ma.fields.String(
        validate=ma.validate.OneOf(
            ["matched", "orphan", "refunding", "refunded", "reconciled", "flagged", "non_case"]
        )
    )
    case_id = Id()
    direction = ma.fields.String(validate=ma.validate.OneOf(["credit", "debit"]))


class AssignSchema(ma.Schema):
    case_id = Id(required=True)
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))


class UnassignSchema(ReasonSchema):
    part_id = Id(metadata={"description": "the part to take off, when the credit is split"})


class SplitPartSchema(ma.Schema):
    case_id = Id(required=True)
    amount = Amount(required=True)


class SplitSchema(ReasonSchema):
    parts = ma.fields.List(
        ma.fields.Nested(SplitPartSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=splits.MOST_PARTS),
    )


class BulkItemSchema(ma.Schema):
    transaction_id = Id(required=True)
    case_id = Id(required=True)


class BulkAssignSchema(ReasonSchema):
    items = ma.fields.List(
        ma.fields.Nested(BulkItemSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=splits.MOST_ITEMS),
    )


class BulkAssignedSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TransactionSchema))
    assigned = ma.fields.Integer()


TransactionPageSchema = page_schema(TransactionSchema, "TransactionPage")


@blp.route("")
@blp.arguments(TransactionQuerySchema, location="query")
@blp.response(200, TransactionPageSchema)
def list_transactions(query):
    """List statement lines, oldest first (orphans by age)"""
    cursor, limit = decode_cursor(query.pop("cursor")), query.pop("limit")
    items = transactions.list_transactions(
        services().uow(read_only=True), current_actor(), after_id=cursor, limit=limit, **query
    )
    return page(items, limit)


@blp.route("/<int:transaction_id>")
@blp.response(200, TransactionSchema)
def get_transaction(transaction_id):
    """Read a statement line with its match evidence or orphan suggestions"""
    return transactions.get_transaction(
        services().uow(read_only=True), current_actor(), transaction_id
    )


@blp.route("/<int:transaction_id>/assign", methods=["POST"])
@idempotent
@blp.arguments(AssignSchema)
@blp.response(200, TransactionSchema)
def assign(data, transaction_id):
    """Assign an orphan credit to a case, with a reason (finance)"""
    return transactions.assign_orphan(
        services().uow(), current_actor(), transaction_id, data["case_id"], data["reason"]
    )


@blp.route("/assign-bulk", methods=["POST"])
@idempotent
@blp.arguments(BulkAssignSchema)
@blp.response(200, BulkAssignedSchema)
def assign_bulk(data):
    """Assign many orphan credits to their cases at once: all or nothing (finance)"""
    items = [(i["transaction_id"], i["case_id"]) for i in data["items"]]
    return splits.assign_bulk(services().uow(), current_actor(), items, data["reason"])


@blp.route("/<int:transaction_id>/split", methods=["POST"])
@idempotent
@blp.arguments(SplitSchema)
@blp.response(200, TransactionSchema)
def split(data, transaction_id):
    """Place parts of one orphan credit on several cases; the rest stays an orphan (finance)"""
    parts = [(p["case_id"], p["amount"]) for p in data["parts"]]
    return splits.split_credit(
        services().uow(), current_actor(), transaction_id, parts, data["reason"]
    )


@blp.route("/<int:transaction_id>/unassign", methods=["POST"])
@idempotent
@blp.arguments(UnassignSchema)
@blp.response(200, TransactionSchema)
def unassign(data, transaction_id):
    """Take a credit, or one part of a split, off its case again, by reversing entries (finance)"""
    return transactions.unassign(
        services().uow(),
        current_actor(),
        transaction_id,
        data["reason"],
        part_id=data.get("part_id"),
    )


@blp.route("/<int:transaction_id>/refund", methods=["POST"])
@idempotent
@blp.arguments(ReasonSchema)
@blp.response(200, TransactionSchema)
def refund(data, transaction_id):
    """Request the refund of an orphan credit to the payer's own account (finance)"""
    return transactions.refund_orphan(
        services().uow(),
        current_actor(),
        transaction_id,
        data["reason"],
        settings=services().settings,
    )
