"""The monthly execution ↔ finance check of a court (执行与财务对账)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Amount, LocalDateTime, Text
from reconcile.services import execution_checks

blp = Blueprint(
    "execution_checks",
    __name__,
    url_prefix="/reports/execution-finance-check",
    description="Reports",
)


class CheckQuerySchema(ma.Schema):
    court = Text(16, required=True, metadata={"description": "court code, e.g. 京0105"})
    month = Text(7, required=True, metadata={"description": "YYYY-MM", "example": "2026-11"})


class MoneyWithoutRequestSchema(ma.Schema):
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    received = Amount(positive=False)
    on_account = Amount(positive=False, metadata={"description": "received − paid"})
    available = Amount(positive=False)


class RequestSchema(ma.Schema):
    disbursement_id = ma.fields.Integer()
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    amount = Amount()
    status = ma.fields.String()
    requested_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)
    paid_on = ma.fields.Date(allow_none=True)
    payee_account_name = ma.fields.String(allow_none=True)


def _section(item_schema, name: str):
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "count": ma.fields.Integer(),
            "total": Amount(positive=False),
            "truncated": ma.fields.Boolean(metadata={"description": "more than shown"}),
        },
        name=name,
    )


class CheckReportSchema(ma.Schema):
    court = ma.fields.String()
    month = ma.fields.String()
    as_of = LocalDateTime()
    money_without_request = ma.fields.Nested(
        _section(MoneyWithoutRequestSchema, "MoneyWithoutRequestSection"),
        metadata={"description": "open cases with money available and no request standing"},
    )
    requests_unpaid = ma.fields.Nested(
        _section(RequestSchema, "RequestsUnpaidSection"),
        metadata={"description": "payment requests made in the month, not yet paid"},
    )
    payments_unconfirmed = ma.fields.Nested(
        _section(RequestSchema, "PaymentsUnconfirmedSection"),
        metadata={"description": "marked paid, no statement debit confirms them yet"},
    )


@blp.route("")
@blp.arguments(CheckQuerySchema, location="query")
@blp.response(200, CheckReportSchema)
def check_report(query):
    """The month's execution ↔ finance check of a court, as of now"""
    return execution_checks.check_report(
        services().uow(read_only=True), current_actor(), query["court"], query["month"]
    )
