"""Cases: register, read, find by number, close, ledger, payment instructions."""

from __future__ import annotations

import base64

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import MAX_ACCOUNT, MAX_NAME, Amount, Day, LocalDateTime, SignedAmount, Text
from api.idempotency import idempotent
from api.pagination import PageQuerySchema, decode_cursor, decode_cursor_ids, page, page_schema
from reconcile.case_closing import ClosureType
from reconcile.case_search import MAX_QUERY as MAX_SEARCH
from reconcile.case_search import CaseFilters, CaseSort, read_query
from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.payee_identity import agent_from
from reconcile.services import case_search, cases

blp = Blueprint("cases", __name__, url_prefix="/cases", description="Enforcement cases")


class AccountSchema(ma.Schema):
    account_number = ma.fields.String(required=True, validate=ma.validate.Length(1, 64))
    account_name = Text(MAX_NAME, load_default=None, allow_none=True)
    bank_name = Text(MAX_NAME, load_default=None, allow_none=True)


class AgentSchema(ma.Schema):
    name = Text(MAX_NAME, required=True, metadata={"description": "the agent (代理人)"})
    authorisation_document = Text(
        MAX_NAME, required=True, metadata={"description": "the special authorisation (特别授权)"}
    )


class PayeeAccountSchema(AccountSchema):
    agent = ma.fields.Nested(
        AgentSchema,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "an account in the agent's name: named on the case once the "
            "payee-account change it opens is approved"
        },
    )


class ApplicantSchema(ma.Schema):
    party_id = ma.fields.Integer(
        dump_only=True,
        metadata={"description": "the applicant's id on the case (a plan's `claims[].party_id`)"},
    )
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    #: 身份证号 / 统一社会信用代码: stored as given, shown masked (first four and last four)
    id_number = Text(64, load_default=None, allow_none=True)
    payee_accounts = ma.fields.List(ma.fields.Nested(PayeeAccountSchema), required=True)
    amount_due = Amount(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "the applicant's own entitlement (应得款); without it a single "
            "applicant is entitled to the case's amount_due, one of several to an unknown sum"
        },
    )
    order = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=1, max=10_000),
        metadata={"description": "its rank for a distribution plan by `order` (1 = first)"},
    )
    entitled = Amount(
        positive=False,
        dump_only=True,
        allow_none=True,
        metadata={"description": "what it is owed on the case; null: not stated"},
    )
    paid = Amount(
        positive=False,
        dump_only=True,
        metadata={"description": "paid to its accounts (marked paid or confirmed)"},
    )
    due = Amount(
        positive=False,
        dump_only=True,
        allow_none=True,
        metadata={"description": "entitled − paid; null while its entitlement is unknown"},
    )


class RespondentSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    id_number = Text(64, load_default=None, allow_none=True)
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
    fees_paid = Amount(
        positive=False,
        metadata={"description": "the part of `paid` that went to the court's fee account"},
    )


class CaseSchema(ma.Schema):
    id = ma.fields.Integer()
    case_number = ma.fields.String()
    case_number_raw = ma.fields.String()
    court = ma.fields.String()
    collection_account = ma.fields.String()
    sub_account_number = ma.fields.String()
    sub_account_source = ma.fields.String(metadata={"description": "bank | service"})
    status = ma.fields.String(metadata={"description": "open | closed"})
    closure_type = ma.fields.String(
        allow_none=True, metadata={"description": "how it was closed; null while open"}
    )
    amount_due = Amount(positive=False)
    filed_on = ma.fields.Date()
    applicants = ma.fields.List(ma.fields.Nested(ApplicantSchema))
    respondents = ma.fields.List(ma.fields.Nested(RespondentSchema))
    balance = ma.fields.Nested(BalanceSchema)


class MatchSchema(ma.Schema):
    kind = ma.fields.String(
        metadata={
            "description": "case_number | party | sub_account | account | sub_account_near_miss"
        }
    )
    reason = ma.fields.String(
        metadata={"description": "for a near miss: the typing error, e.g. one digit differs"}
    )


class CaseListItemSchema(CaseSchema):
    match = ma.fields.Nested(
        MatchSchema, allow_none=True, metadata={"description": "what the search `q` found"}
    )


class CaseQuerySchema(PageQuerySchema):
    case_number = Text(
        MAX_NAME, metadata={"description": "exactly this case, in any bracket style"}
    )
    q = Text(
        MAX_SEARCH,
        metadata={
            "description": "partial case number (any bracket style), party name, "
            "sub-account (a near miss is offered) or payee account"
        },
    )
    status = ma.fields.String(validate=ma.validate.OneOf(["open", "closed"]))
    court = Text(MAX_NAME)
    overdue = ma.fields.Boolean(metadata={"description": "an unresolved overdue alert"})
    held = ma.fields.Boolean(metadata={"description": "money held on the case"})
    suggested = ma.fields.Boolean(
        metadata={"description": "an orphan credit (不明款) suggests the case"}
    )
    available_gt = Amount(positive=False, metadata={"description": "available above this"})
    sort = ma.fields.String(
        load_default=CaseSort.REGISTERED.value,
        validate=ma.validate.OneOf([s.value for s in CaseSort]),
    )
    order = ma.fields.String(load_default="desc", validate=ma.validate.OneOf(["asc", "desc"]))


class CasePatchSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(["open", "closed"]))
    closure_type = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(list(ClosureType)),
        metadata={
            "description": "required to close: completed (执行完毕), terminated_this_round "
            "(终结本次执行程序), terminated (终结执行), withdrawn (销案), not_enforced "
            "(不予执行), rejected (驳回申请)"
        },
    )


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
    created_at = LocalDateTime(metadata={"description": "when the service posted it"})
    booked_on = ma.fields.Date(
        allow_none=True, metadata={"description": "the bank's booking date (the line's)"}
    )
    value_date = ma.fields.Date(allow_none=True)
    counterparty_name = ma.fields.String(
        allow_none=True, metadata={"description": "payer or payee"}
    )
    counterparty_account = ma.fields.String(allow_none=True)
    bank_reference = ma.fields.String(allow_none=True)
    statement_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "the imported statement the line came from"}
    )
    bucket_balance = SignedAmount(metadata={"description": "the bucket's total after the entry"})
    available_after = SignedAmount()
    on_account_after = SignedAmount(metadata={"description": "received − paid after the entry"})


class PaymentInstructionsSchema(ma.Schema):
    case_number = ma.fields.String()
    account_name = ma.fields.String()
    sub_account_number = ma.fields.String()
    bank_name = ma.fields.String()
    collection_account = ma.fields.String()
    hotline = ma.fields.String()
    text = ma.fields.String()


LedgerPageSchema = page_schema(LedgerEntrySchema, "LedgerPage")


CasePageSchema = page_schema(CaseListItemSchema, "CasePage")


def new_case_from(data: dict) -> NewCase:
    """Return the domain's NewCase for a validated request body."""
    return NewCase(
        case_number=data["case_number"],
        court=data["court"],
        amount_due=data["amount_due"],
        applicants=tuple(
            PartySpec(
                a["name"],
                tuple(_account(acc) for acc in a["payee_accounts"]),
                id_number=a["id_number"],
                amount_due=a["amount_due"],
                order=a["order"],
            )
            for a in data["applicants"]
        ),
        respondents=tuple(
            PartySpec(
                r["name"], tuple(_account(acc) for acc in r["accounts"]), id_number=r["id_number"]
            )
            for r in data["respondents"]
        ),
        filed_on=data["filed_on"],
        sub_account_number=data["sub_account_number"],
    )


def _account(data: dict) -> AccountRef:
    return AccountRef(
        data["account_number"],
        data["account_name"],
        data["bank_name"],
        agent=agent_from(data.get("agent")),
    )


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CasePageSchema)
    def get(self, query):
        """List the cases: search `q`, filters, sort; or find one by `case_number`"""
        if query.get("case_number") is not None:
            decode_cursor(query["cursor"])  # one page at most, but a bad cursor is still refused
            found = cases.find_case(
                services().uow(read_only=True), current_actor(), query["case_number"]
            )
            return page([found] if found else [], query["limit"])
        filters = filters_from(query)
        after = decode_cursor_ids(query["cursor"], 2) if query["cursor"] else None
        found = case_search.search_cases(
            services().uow(read_only=True),
            current_actor(),
            filters,
            after=after,
            limit=query["limit"],
        )
        return {"items": found["items"], "next_cursor": case_cursor(found["next"])}

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
            payee_change_levels=services().settings["approvals"]["payee_change_levels"],
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
        return cases.set_case_status(
            services().uow(), current_actor(), case_id, data["status"], data["closure_type"]
        )


@blp.route("/<int:case_id>/ledger")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, LedgerPageSchema)
def ledger(query, case_id):
    """List the case's ledger entries, oldest first, with the bank's dates and running balances

    The totals per bucket are the case's `balance` (`GET /cases/{id}`).
    """
    found = cases.ledger_page(
        services().uow(read_only=True),
        current_actor(),
        case_id,
        after_id=decode_cursor(query["cursor"]),
        limit=query["limit"],
    )
    next_cursor = page([{"id": found["next"]}], 1)["next_cursor"] if found["next"] else None
    return {"items": found["items"], "next_cursor": next_cursor}


def filters_from(query: dict) -> CaseFilters:
    """Return the case list's filters from validated query arguments."""
    text = (query.get("q") or "").strip()
    return CaseFilters(
        query=read_query(text) if text else None,
        status=query.get("status"),
        court=query.get("court"),
        overdue=query.get("overdue"),
        held=query.get("held"),
        suggested=query.get("suggested"),
        available_gt=query.get("available_gt"),
        sort=CaseSort(query["sort"]),
        descending=query["order"] == "desc",
    )


def case_cursor(key: tuple[int, int] | None) -> str | None:
    """Return the cursor of a (sort value, id) key: "<value>.<id>", as other lists' cursors."""
    if key is None:
        return None
    return base64.urlsafe_b64encode(f"{key[0]}.{key[1]}".encode()).decode()


@blp.route("/<int:case_id>/payment-instructions")
@blp.response(200, PaymentInstructionsSchema)
def payment_instructions(case_id):
    """The account block for the execution notice (art. 20)"""
    hotline = services().settings["desk"]["hotline"]
    return cases.payment_instructions(
        services().uow(read_only=True), current_actor(), case_id, hotline
    )
