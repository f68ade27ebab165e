"""Disbursements (payment notices): request, approve in layers, reject, mark paid, list."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.approvals import RequestRoutes, RequestSchema
from api.auth import current_actor
from api.context import services
from api.fields import Amount, Day, Id, Text
from api.idempotency import idempotent
from api.pagination import PageQuerySchema, decode_cursor, page, page_schema
from reconcile.disbursements import DisbursementStatus
from reconcile.services import disbursements

blp = Blueprint(
    "disbursements", __name__, url_prefix="", description="Disbursements (payment notices)"
)


class DisbursementCreateSchema(ma.Schema):
    amount = Amount(required=True)
    payee_account_number = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 64),
        metadata={"description": "one of the case's confirmed payee accounts"},
    )
    note = Text(load_default=None, allow_none=True)


class MarkPaidSchema(ma.Schema):
    bank_reference = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    paid_on = Day(load_default=None, metadata={"description": "default: today"})


class DisbursementSchema(RequestSchema):
    kind = ma.fields.String(metadata={"description": "payment | refund"})
    court = ma.fields.String()
    case_id = ma.fields.Integer(allow_none=True)
    case_number = ma.fields.String(allow_none=True)
    refund_of_transaction_id = ma.fields.Integer(allow_none=True)
    amount = Amount(positive=False)
    payee_account_number = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    status = ma.fields.String(
        metadata={"description": "requested | approved | rejected | marked_paid | paid"}
    )
    bank_reference = ma.fields.String(allow_none=True)
    paid_on = ma.fields.Date(allow_none=True)
    transaction_id = ma.fields.Integer(allow_none=True)
    confirmed = ma.fields.Boolean(metadata={"description": "the statement debit confirms it"})


class DisbursementQuerySchema(PageQuerySchema):
    status = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf([s.value for s in DisbursementStatus])
    )
    case_id = Id(load_default=None)


DisbursementPageSchema = page_schema(DisbursementSchema, "DisbursementPage")


ROUTES = RequestRoutes(
    blp,
    "/disbursements/<int:disbursement_id>",
    DisbursementSchema,
    {
        "request_payment": "Request a payment to a payee account the case's documents name "
        "(enforcement)",
        "get": "Read a disbursement with its approvals",
        "approve": "Approve at the next level; approved when every level has "
        "(approver, not the requester)",
        "reject": "Reject a request; its money is available again (approver, not the requester)",
    },
)
ROUTES.create(
    "request_payment",
    "/cases/<int:case_id>/disbursements",
    DisbursementCreateSchema,
    disbursements.request_disbursement,
)


@blp.route("/cases/<int:case_id>/disbursements", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, DisbursementPageSchema)
def list_of_case(query, case_id):
    """List a case's disbursements, oldest first"""
    return _page(query, case_id=case_id)


@blp.route("/disbursements", methods=["GET"])
@blp.arguments(DisbursementQuerySchema, location="query")
@blp.response(200, DisbursementPageSchema)
def list_all(query):
    """List disbursements of your courts, by status"""
    return _page(query, status=query["status"], case_id=query["case_id"])


def _page(query: dict, **filters) -> dict:
    items = disbursements.list_disbursements(
        services().uow(read_only=True),
        current_actor(),
        after_id=decode_cursor(query["cursor"]),
        limit=query["limit"],
        **filters,
    )
    return page(items, query["limit"])


ROUTES.read(disbursements.get_disbursement)
ROUTES.decisions(disbursements.approve_disbursement, disbursements.reject_disbursement)


@blp.route("/disbursements/<int:disbursement_id>/mark-paid", methods=["POST"])
@idempotent
@blp.arguments(MarkPaidSchema)
@blp.response(200, DisbursementSchema)
def mark_paid(data, disbursement_id):
    """Record the bank payment with its reference; the statement debit confirms it (finance)"""
    return disbursements.mark_paid(services().uow(), current_actor(), disbursement_id, **data)
