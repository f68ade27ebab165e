"""A case's working-day deadlines (art. 22): due dates, provisional flags, pauses."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Amount, Day
from reconcile.services import deadlines

blp = Blueprint("deadlines", __name__, url_prefix="", description="Working-day deadlines")


class DeadlineQuerySchema(ma.Schema):
    as_of = Day(load_default=None, metadata={"description": "default: today"})


class ClockSchema(ma.Schema):
    clock = ma.fields.String(
        metadata={"description": "notice (money waits for a payment notice) | payment"}
    )
    disbursement_id = ma.fields.Integer(allow_none=True)
    started_on = ma.fields.Date(metadata={"description": "not counted"})
    amount = Amount(positive=False)
    due = ma.fields.Date(allow_none=True, metadata={"description": "null while paused"})
    provisional = ma.fields.Boolean(
        metadata={"description": "counted through a year with no published holiday schedule"}
    )
    unknown_years = ma.fields.List(ma.fields.Integer())
    paused = ma.fields.Boolean()
    state = ma.fields.String(metadata={"description": "running | due_soon | overdue | paused"})
    awaiting_confirmation = ma.fields.Boolean(
        metadata={"description": "marked paid: the clock runs until a statement debit confirms it"}
    )
    marked_paid_on = ma.fields.Date(allow_none=True)


class CaseDeadlinesSchema(ma.Schema):
    case_id = ma.fields.Integer()
    as_of = ma.fields.Date()
    paused = ma.fields.Boolean(metadata={"description": "an approved deferral stops the clock"})
    deadlines = ma.fields.List(ma.fields.Nested(ClockSchema))


@blp.route("/cases/<int:case_id>/deadlines", methods=["GET"])
@blp.arguments(DeadlineQuerySchema, location="query")
@blp.response(200, CaseDeadlinesSchema)
def case_deadlines(query, case_id):
    """A case's running deadlines"""
    return deadlines.case_deadlines(
        services().uow(read_only=True),
        current_actor(),
        case_id,
        services().settings,
        as_of=query["as_of"],
    )
