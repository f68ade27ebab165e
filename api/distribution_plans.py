"""Distribution plans (分配方案): issue, object, withdraw, execute, read (enforcement)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import MAX_NAME, Amount, Day, Id, LocalDateTime, Text
from api.idempotency import idempotent
from api.pagination import page_schema
from reconcile.distribution import Method
from reconcile.services import distribution_plans

blp = Blueprint(
    "distribution_plans",
    __name__,
    url_prefix="",
    description="Distribution plans (分配方案) among a case's applicants",
)

#: the most claims one plan takes (a case has a handful of applicants)
MAX_CLAIMS = 200


class ClaimSchema(ma.Schema):
    party_id = Id(required=True, metadata={"description": "an applicant of the case"})
    amount = Amount(required=True, metadata={"description": "the applicant's claim"})
    order = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=0, max=1_000_000),
        metadata={
            "description": "method `order`: lower is paid first; omitted: the applicant's "
            "registered `order`"
        },
    )


class PlanCreateSchema(ma.Schema):
    method = ma.fields.String(required=True, validate=ma.validate.OneOf([m.value for m in Method]))
    claims = ma.fields.List(
        ma.fields.Nested(ClaimSchema),
        required=True,
        validate=ma.validate.Length(1, MAX_CLAIMS),
    )
    document_reference = Text(MAX_NAME, min=1, required=True)
    served_on = Day(
        required=True, metadata={"description": "the objection period runs from the next day"}
    )
    fee_unpaid = Amount(
        positive=False,
        load_default=None,
        metadata={
            "description": "the execution fee still to come off the money; omitted: the fee "
            "on what the case received less the fee payments asked for"
        },
    )


class ObjectionCreateSchema(ma.Schema):
    party_id = Id(required=True, metadata={"description": "a party of the case"})
    reason = Text(min=1, required=True)
    document_reference = Text(MAX_NAME, min=1, required=True)


class WithdrawSchema(ma.Schema):
    document_reference = Text(MAX_NAME, load_default=None, allow_none=True)


class ShareSchema(ma.Schema):
    party_id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    claim = Amount(positive=False)
    share = Amount(positive=False)
    order = ma.fields.Integer()
    disbursement_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "its payment request, once executed"}
    )


class ObjectionSchema(ma.Schema):
    id = ma.fields.Integer()
    party_id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    document_reference = ma.fields.String()
    recorded_by = ma.fields.String()
    recorded_at = LocalDateTime()


class PlanSchema(ma.Schema):
    id = ma.fields.Integer()
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    method = ma.fields.String(metadata={"description": "pro_rata | order"})
    status = ma.fields.String(metadata={"description": "issued | objected | executed | withdrawn"})
    distributable = Amount(positive=False, metadata={"description": "what the plan shared"})
    surplus = Amount(positive=False, metadata={"description": "what the claims did not take"})
    hold_id = ma.fields.Integer(allow_none=True)
    document_reference = ma.fields.String()
    served_on = ma.fields.Date()
    objection_ends_on = ma.fields.Date(metadata={"description": "the last day to object"})
    issued_by = ma.fields.String()
    issued_at = LocalDateTime()
    decided_by = ma.fields.String(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    shares = ma.fields.List(ma.fields.Nested(ShareSchema))
    objections = ma.fields.List(ma.fields.Nested(ObjectionSchema))


class RefusedShareSchema(ma.Schema):
    party_id = ma.fields.Integer()
    code = ma.fields.String()


class ExecutedPlanSchema(PlanSchema):
    refused = ma.fields.List(
        ma.fields.Nested(RefusedShareSchema),
        metadata={"description": "shares whose payment request was refused (their code)"},
    )


PlanPageSchema = page_schema(PlanSchema, "DistributionPlanPage")


class DraftApplicantSchema(ma.Schema):
    party_id = ma.fields.Integer(metadata={"description": "the `party_id` of its claim"})
    name = ma.fields.String()
    claim = Amount(
        positive=False, allow_none=True, metadata={"description": "what it is still owed, if known"}
    )
    order = ma.fields.Integer(allow_none=True)
    payee_account_number = ma.fields.String(
        allow_none=True, metadata={"description": "where its share is paid; null: none yet"}
    )


class DraftPartySchema(ma.Schema):
    party_id = ma.fields.Integer()
    name = ma.fields.String()


class PlanDraftSchema(ma.Schema):
    available = Amount(positive=False)
    fee_unpaid = Amount(positive=False, metadata={"description": "the fee that stays"})
    distributable = Amount(positive=False, metadata={"description": "what a plan would share"})
    objection_days = ma.fields.Integer()
    applicants = ma.fields.List(ma.fields.Nested(DraftApplicantSchema))
    respondents = ma.fields.List(
        ma.fields.Nested(DraftPartySchema), metadata={"description": "who may also object"}
    )


@blp.route("/cases/<int:case_id>/distribution-plans", methods=["POST"])
@idempotent
@blp.arguments(PlanCreateSchema)
@blp.response(201, PlanSchema)
def issue(data, case_id):
    """Issue a distribution plan: its shares' money is held until the objection period ends
    (enforcement)"""
    return distribution_plans.issue_plan(
        services().uow(), current_actor(), case_id, settings=services().settings, **data
    )


@blp.route("/cases/<int:case_id>/distribution-plans", methods=["GET"])
@blp.response(200, PlanPageSchema)
def list_of_case(case_id):
    """List a case's distribution plans, newest first"""
    items = distribution_plans.plans_of_case(
        services().uow(read_only=True), current_actor(), case_id
    )
    return {"items": items, "next_cursor": None}


@blp.route("/cases/<int:case_id>/distribution-plans/draft", methods=["GET"])
@blp.response(200, PlanDraftSchema)
def draft(case_id):
    """What a new plan starts from: the applicants (their `party_id`, what each is owed, the
    payee account), the available money, the fee that stays, the distributable amount"""
    return distribution_plans.plan_form(
        services().uow(read_only=True), current_actor(), case_id, services().settings
    )


@blp.route("/distribution-plans/<int:plan_id>", methods=["GET"])
@blp.response(200, PlanSchema)
def get(plan_id):
    """Read a distribution plan with its shares and objections"""
    return distribution_plans.get_plan(services().uow(read_only=True), current_actor(), plan_id)


@blp.route("/distribution-plans/<int:plan_id>/objections", methods=["POST"])
@idempotent
@blp.arguments(ObjectionCreateSchema)
@blp.response(201, PlanSchema)
def object_to(data, plan_id):
    """Record a party's objection: the plan is objected and its money stays held (enforcement)"""
    return distribution_plans.record_objection(services().uow(), current_actor(), plan_id, **data)


@blp.route("/distribution-plans/<int:plan_id>/withdraw", methods=["POST"])
@idempotent
@blp.arguments(WithdrawSchema)
@blp.response(200, PlanSchema)
def withdraw(data, plan_id):
    """Withdraw a plan not executed: its hold is released (enforcement)"""
    return distribution_plans.withdraw_plan(services().uow(), current_actor(), plan_id, **data)


@blp.route("/distribution-plans/<int:plan_id>/execute", methods=["POST"])
@idempotent
@blp.response(200, ExecutedPlanSchema)
def execute(plan_id):
    """Execute a plan whose objection period ended with no objection: release its hold and
    request each applicant's share (enforcement; the daily job does it too)"""
    return distribution_plans.execute_plan(
        services().uow(), current_actor(), plan_id, settings=services().settings
    )
