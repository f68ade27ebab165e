"""Cases: register, read, find by number, close, ledger, payment instructions."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import MAX_ACCOUNT, MAX_NAME, Amount, Day, LocalDateTime, SignedAmount, Text
from api.idempotency import idempotent
from api.pagination import PageQuerySchema, decode_cursor, page, page_schema
from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.services import cases

blp = Blueprint("cases", __name__, url_prefix="/cases", description="Enforcement cases")


class AccountSchema(ma.Schema):
    account_number = ma.fields.String(required=True, validate=ma.validate.Length(1, 64))
    account_name = Text(MAX_NAME, load_default=None, allow_none=True)
    bank_name = Text(MAX_NAME, load_default=None, allow_none=True)


class ApplicantSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    payee_accounts = ma.fields.List(ma.fields.Nested(AccountSchema), required=True)


class RespondentSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    accounts = ma.fields.List(ma.fields.Nested(AccountSchema), load_default=list)


class CaseCreateSchema(ma.Schema):
    case_number = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    court = Text(MAX_NAME, required=True)
    amount_due = Amount(required=True)
    applicants = ma.fields.List(
        ma.fields.Nested(ApplicantSchema), required=True, validate=ma.validate.Length(min=1)
    )
    respondents = ma.fields.List(ma.fields.Nested(RespondentSchema), load_default=list)
    filed_on = Day(load_default=None)
    sub_account_number = Text(MAX_ACCOUNT, load_default=None)
    collection_account = ma.fields.String(
        load_default=None, metadata={"description": "when the court has several"}
    )


class BalanceSchema(ma.Schema):
    received = Amount(positive=False)
    held = Amount(positive=False)
    pending = Amount(positive=False, metadata={"description": "requested, awaiting approval"})
    approved_unpaid = Amount(positive=False)
    paid = Amount(positive=False)
    available = Amount(positive=False)


class CaseSchema(ma.Schema):
    id = ma.fields.Integer()
    case_number = ma.fields.String()
    case_number_raw = ma.fields.String()
    court = ma.fields.String()
    collection_account = ma.fields.String()
    sub_account_number = ma.fields.String()
    sub_account_source = ma.fields.String(metadata={"description": "bank | service"})
    status = ma.fields.String(metadata={"description": "open | closed"})
    amount_due = Amount(positive=False)
    filed_on = ma.fields.Date()
    applicants = ma.fields.List(ma.fields.Nested(ApplicantSchema))
    respondents = ma.fields.List(ma.fields.Nested(RespondentSchema))
    balance = ma.fields.Nested(BalanceSchema)


class CaseQuerySchema(PageQuerySchema):
    case_number = ma.fields.String(required=True)


class CasePatchSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(["open", "closed"]))


class LedgerEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    bucket = ma.fields.String()
    amount = SignedAmount()
    transaction_id = ma.fields.Integer(allow_none=True)
    hold_id = ma.fields.Integer(allow_none=True)
    disbursement_id = ma.fields.Integer(allow_none=True)
    reverses_entry_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)
    created_at = LocalDateTime()


class PaymentInstructionsSchema(ma.Schema):
    case_number = ma.fields.String()
    account_name = ma.fields.String()
    sub_account_number = ma.fields.String()
    bank_name = ma.fields.String()
    collection_account = ma.fields.String()
    hotline = ma.fields.String()
    text = ma.fields.String()


CasePageSchema = page_schema(CaseSchema, "CasePage")
LedgerPageSchema = page_schema(LedgerEntrySchema, "LedgerPage")


def new_case_from(data: dict) -> NewCase:
    """Return the domain's NewCase for a validated request body."""
    return NewCase(
        case_number=data["case_number"],
        court=data["court"],
        amount_due=data["amount_due"],
        applicants=tuple(
            PartySpec(a["name"], tuple(AccountRef(**acc) for acc in a["payee_accounts"]))
            for a in data["applicants"]
        ),
        respondents=tuple(
            PartySpec(r["name"], tuple(AccountRef(**acc) for acc in r["accounts"]))
            for r in data["respondents"]
        ),
        filed_on=data["filed_on"],
        sub_account_number=data["sub_account_number"],
    )


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CasePageSchema)
    def get(self, query):
        """Find a case by its number, written in any usual way"""
        decode_cursor(query["cursor"])  # one page at most, but a bad cursor is still refused
        found = cases.find_case(
            services().uow(read_only=True), current_actor(), query["case_number"]
        )
        return page([found] if found else [], query["limit"])

    @idempotent
    @blp.arguments(CaseCreateSchema)
    @blp.response(201, CaseSchema)
    def post(self, data):
        """Register a case and issue its sub-account number (enforcement)"""
        return cases.register_case(
            services().uow(),
            current_actor(),
            new_case_from(data),
            collection_account=data["collection_account"],
        )


@blp.route("/<int:case_id>")
class CaseById(MethodView):
    @blp.response(200, CaseSchema)
    def get(self, case_id):
        """Read a case with its balance"""
        return cases.get_case(services().uow(read_only=True), current_actor(), case_id)

    @blp.arguments(CasePatchSchema)
    @blp.response(200, CaseSchema)
    def patch(self, data, case_id):
        """Close or reopen a case (enforcement)"""
        return cases.set_case_status(services().uow(), current_actor(), case_id, data["status"])


@blp.route("/<int:case_id>/ledger")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, LedgerPageSchema)
def ledger(query, case_id):
    """List the case's ledger entries, oldest first"""
    items = cases.case_ledger(
        services().uow(read_only=True),
        current_actor(),
        case_id,
        after_id=decode_cursor(query["cursor"]),
        limit=query["limit"],
    )
    return page(items, query["limit"])


@blp.route("/<int:case_id>/payment-instructions")
@blp.response(200, PaymentInstructionsSchema)
def payment_instructions(case_id):
    """The account block for the execution notice (art. 20)"""
    hotline = services().settings["desk"]["hotline"]
    return cases.payment_instructions(
        services().uow(read_only=True), current_actor(), case_id, hotline
    )
