"""Disbursements (payment notices): request, approve in layers by position, finance's
review, resubmit a returned one, the payment file for the bank, mark paid, list."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from api.approvals import RequestRoutes, RequestSchema
from api.auth import current_actor
from api.context import services
from api.fields import MAX_NAME, Amount, Day, Id, LocalDateTime, Text
from api.idempotency import idempotent
from api.pagination import PageQuerySchema, decode_cursor, page, page_schema
from reconcile.disbursements import CASE_KINDS, DisbursementKind, DisbursementStatus
from reconcile.payment_files import EXTENSIONS, FORMATS, MEDIA_TYPES
from reconcile.services import disbursement_lists, disbursements, payment_files, payment_reviews

blp = Blueprint(
    "disbursements", __name__, url_prefix="", description="Disbursements (payment notices)"
)


class DisbursementCreateSchema(ma.Schema):
    amount = Amount(required=True)
    payee_account_number = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 64),
        metadata={
            "description": "a lawful destination of the kind: an applicant's confirmed payee "
            "account (payment), the court's fee account (fee), a respondent's known account "
            "(respondent_refund), a registered escrow account (escrow), another court's "
            "collection account (court_transfer)"
        },
    )
    note = Text(load_default=None, allow_none=True)
    kind = ma.fields.String(
        load_default=DisbursementKind.PAYMENT.value,
        validate=ma.validate.OneOf([k.value for k in CASE_KINDS]),
        metadata={
            "description": "payment (default) | fee | respondent_refund | escrow | court_transfer"
        },
    )
    document_reference = Text(
        MAX_NAME,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "the court document ordering it: required for respondent_refund "
            "and court_transfer"
        },
    )
    document_overrides_entitlements = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "respondent_refund: its document orders the refund although an "
            "applicant's entitlement is unpaid or unknown"
        },
    )


class MarkPaidSchema(ma.Schema):
    bank_reference = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    paid_on = Day(load_default=None, metadata={"description": "default: today"})


class DisbursementSchema(RequestSchema):
    kind = ma.fields.String(
        metadata={
            "description": "payment | fee | respondent_refund | escrow | court_transfer | "
            "refund (an orphan's, to its payer)"
        }
    )
    party_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "a payment's applicant (its party id)"}
    )
    document_reference = ma.fields.String(allow_none=True)
    court = ma.fields.String()
    case_id = ma.fields.Integer(allow_none=True)
    case_number = ma.fields.String(allow_none=True)
    refund_of_transaction_id = ma.fields.Integer(allow_none=True)
    amount = Amount(positive=False)
    payee_account_number = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    status = ma.fields.String(
        metadata={
            "description": "requested | in_review (finance reviews it) | approved | rejected "
            "| returned (finance sent it back) | marked_paid | paid"
        }
    )
    reference = ma.fields.String(
        metadata={
            "description": "AK + ten digits: the payment file's 附言 and EndToEndId; a "
            "statement debit carrying it settles exactly this disbursement"
        }
    )
    level_positions = ma.fields.List(
        ma.fields.String(),
        allow_none=True,
        metadata={"description": "the position (职务) that decides each level, in order"},
    )
    review_required = ma.fields.Boolean(
        metadata={"description": "finance reviews it after the last level"}
    )
    reviewed_by = ma.fields.String(allow_none=True)
    reviewed_at = LocalDateTime(allow_none=True)
    review_note = ma.fields.String(
        allow_none=True, metadata={"description": "finance's note, or why it was returned"}
    )
    resubmission_of = ma.fields.Integer(
        allow_none=True, metadata={"description": "the returned disbursement it asks for again"}
    )
    payment_batch_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "the payment file that holds it"}
    )
    bank_reference = ma.fields.String(allow_none=True)
    paid_on = ma.fields.Date(allow_none=True)
    transaction_id = ma.fields.Integer(allow_none=True)
    confirmed = ma.fields.Boolean(metadata={"description": "the statement debit confirms it"})
    returned_on = ma.fields.Date(
        allow_none=True,
        metadata={"description": "退汇 (status bounced): the booking day of the bank's return"},
    )
    return_transaction_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "the statement credit that returned it"}
    )


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
        "request_payment": "Request a disbursement of a kind to one of its lawful destinations: "
        "a payment within the applicant's unpaid entitlement, a fee, a refund to the "
        "respondent, escrow (提存), a transfer to another court (enforcement)",
        "get": "Read a disbursement with its approvals",
        "approve": "Approve at the next level, as the position it names; after the last "
        "level finance reviews it (approver, not the requester)",
        "reject": "Reject a request; its money is available again (approver, not the requester)",
        "bulk_approve": "Approve several payment requests, each at its next level, with one "
        "note: all of them or none; the first refused is named (422 `validation_error` with "
        "its `disbursement_id` and the `refusal` code) and nothing is approved (approver)",
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
ROUTES.bulk_approve(
    "/disbursements/bulk-approve",
    disbursement_lists.approve_many,
    disbursement_lists.MOST_AT_ONCE,
    "DisbursementsBulkApproved",
)


@blp.route("/disbursements/<int:disbursement_id>/mark-paid", methods=["POST"])
@idempotent
@blp.arguments(MarkPaidSchema)
@blp.response(200, DisbursementSchema)
def mark_paid(data, disbursement_id):
    """Record the bank payment with its reference; the statement debit confirms it (finance)"""
    return disbursements.mark_paid(services().uow(), current_actor(), disbursement_id, **data)


class ReviewSchema(ma.Schema):
    decision = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["approve", "return"]),
        metadata={"description": "approve: it may be paid; return: back to the requester"},
    )
    note = Text(
        load_default=None, allow_none=True, metadata={"description": "required to return it"}
    )


class ResubmitSchema(ma.Schema):
    note = Text(load_default=None, allow_none=True, metadata={"description": "default: as before"})


@blp.route("/disbursements/<int:disbursement_id>/review", methods=["POST"])
@idempotent
@blp.arguments(ReviewSchema)
@blp.response(200, DisbursementSchema)
def review(data, disbursement_id):
    """Finance's review after the last level: approve it, or return it with the reason (finance)"""
    return payment_reviews.review_disbursement(
        services().uow(), current_actor(), disbursement_id, **data
    )


@blp.route("/disbursements/<int:disbursement_id>/resubmit", methods=["POST"])
@idempotent
@blp.arguments(ResubmitSchema)
@blp.response(201, DisbursementSchema)
def resubmit(data, disbursement_id):
    """Ask again for a payment finance returned: a new request, through every level again
    (the requester)"""
    return payment_reviews.resubmit_disbursement(
        services().uow(),
        current_actor(),
        disbursement_id,
        settings=services().settings,
        **data,
    )


class PaymentFileQuerySchema(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(FORMATS))
    court = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 32),
        metadata={"description": "the court whose payments to export (default: the token's one)"},
    )
    batch = Id(
        load_default=None,
        metadata={"description": "download this payment file again instead of a new one"},
    )


class FileFormatQuerySchema(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(FORMATS))


class BatchPaymentSchema(ma.Schema):
    line = ma.fields.Integer()
    disbursement_id = ma.fields.Integer()
    reference = ma.fields.String()
    case_number = ma.fields.String(allow_none=True)
    amount = Amount(positive=False)
    payee_account_number = ma.fields.String()
    status = ma.fields.String(metadata={"description": "the payment's status now"})


class PaymentBatchSchema(ma.Schema):
    id = ma.fields.Integer()
    court = ma.fields.String()
    created_by = ma.fields.String()
    created_at = LocalDateTime()
    payment_count = ma.fields.Integer()
    total = Amount(positive=False)
    digests = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "SHA-256 (hex) of the file in each format"},
    )
    payments = ma.fields.List(ma.fields.Nested(BatchPaymentSchema))


PaymentBatchPageSchema = page_schema(PaymentBatchSchema, "PaymentBatchPage")
_FILE = {"type": "string", "format": "binary"}
_FILE_RESPONSES = {
    "responses": {
        200: {
            "description": "the payment file; X-Payment-Batch-Id names its batch",
            "content": {t.split(";")[0]: {"schema": _FILE} for t in MEDIA_TYPES.values()},
        }
    }
}


@blp.route("/disbursements/payment-file", methods=["GET"])
@blp.arguments(PaymentFileQuerySchema, location="query")
@blp.doc(**_FILE_RESPONSES)
def payment_file(query):
    """Export every approved payment no payment file holds yet as a new one, and download it
    (csv, xlsx or ISO 20022 pain.001.001.03); `batch` downloads one again (finance)"""
    actor = current_actor()
    batch_id = query["batch"]
    if batch_id is None:
        uow = services().uow()
        batch_id = payment_files.export_payment_file(uow, actor, court=query["court"])["id"]
    return _file(batch_id, query["format"])


@blp.route("/disbursements/payment-files", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, PaymentBatchPageSchema)
def list_payment_files(query):
    """List the payment files of your courts, oldest first (finance)"""
    items = payment_files.list_payment_files(
        services().uow(read_only=True),
        current_actor(),
        after_id=decode_cursor(query["cursor"]),
        limit=query["limit"],
    )
    return page(items, query["limit"])


@blp.route("/disbursements/payment-files/<int:batch_id>", methods=["GET"])
@blp.response(200, PaymentBatchSchema)
def get_payment_file(batch_id):
    """Read a payment file: its payments, and the status of each now (finance)"""
    return payment_files.get_payment_file(services().uow(read_only=True), current_actor(), batch_id)


@blp.route("/disbursements/payment-files/<int:batch_id>/file", methods=["GET"])
@blp.arguments(FileFormatQuerySchema, location="query")
@blp.doc(**_FILE_RESPONSES)
def download_payment_file(query, batch_id):
    """Download a payment file again: the same bytes as first issued (finance)"""
    return _file(batch_id, query["format"])


def _file(batch_id: int, format_name: str) -> Response:
    batch, data = payment_files.download_payment_file(
        services().uow(), current_actor(), batch_id, format_name
    )
    name = f"payment-file-{batch['id']}.{EXTENSIONS[format_name]}"
    return Response(
        data,
        content_type=MEDIA_TYPES[format_name],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Payment-Batch-Id": str(batch["id"]),
        },
    )
