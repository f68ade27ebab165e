"""Reports: the daily reconciliation of a collection account, bank against books."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import MAX_ACCOUNT, Day, Text
from reconcile.clock import local_today
from reconcile.services import reconciliation

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Reports")


class ReconciliationQuerySchema(ma.Schema):
    account = Text(MAX_ACCOUNT, required=True)
    date = Day(load_default=None, metadata={"description": "default: today"})


class ExplanationSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "flagged_debit | paid_not_on_statement"})
    amount = ma.fields.String(metadata={"description": "how much it moves bank − books"})
    transaction_id = ma.fields.Integer(allow_none=True)
    disbursement_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String()


class ExplainedKindSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "flagged_debit | paid_not_on_statement"})
    count = ma.fields.Integer()
    amount = ma.fields.String(
        metadata={"description": "their sum: how much they move bank − books"}
    )


class ReconciliationSchema(ma.Schema):
    account = ma.fields.String()
    date = ma.fields.String()
    status = ma.fields.String(metadata={"description": "ok | mismatch | not_available"})
    bank_balance = ma.fields.String(allow_none=True)
    cases = ma.fields.String(metadata={"description": "Σ over cases of received − paid"})
    orphans = ma.fields.String(metadata={"description": "unidentified funds (suspense)"})
    approved_unpaid = ma.fields.String()
    non_case = ma.fields.String(
        metadata={"description": "net of lines a line rule decided are not case money "
                  "(interest, bank fees, the court's own transfers)"}
    )  # fmt: skip
    books = ma.fields.String(metadata={"description": "cases + orphans + non_case"})
    difference = ma.fields.String(allow_none=True, metadata={"description": "bank − books"})
    unexplained = ma.fields.String(allow_none=True)
    explained_by = ma.fields.List(
        ma.fields.Nested(ExplanationSchema),
        metadata={"description": "the first causes of each kind (all: explained_by_kind)"},
    )
    explained_by_kind = ma.fields.List(
        ma.fields.Nested(ExplainedKindSchema),
        metadata={"description": "every cause of the difference, counted and summed by kind"},
    )


@blp.route("/reconciliation")
@blp.arguments(ReconciliationQuerySchema, location="query")
@blp.response(200, ReconciliationSchema)
def reconciliation_report(query):
    """Bank balance against Σ case balances + orphans at the end of a day"""
    return reconciliation.reconciliation_report(
        services().uow(read_only=True),
        current_actor(),
        query["account"],
        query["date"] or local_today(),
    )
