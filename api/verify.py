"""The complaint desk's account check: is this the account designated for the case?"""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from reconcile.services import cases

blp = Blueprint(
    "verify",
    __name__,
    url_prefix="/verify-account",
    description="Account check for the complaint desk",
)


class VerifyQuerySchema(ma.Schema):
    case_number = ma.fields.String(required=True)
    account_number = ma.fields.String(required=True)


class VerifySchema(ma.Schema):
    case_number = ma.fields.String()
    designated = ma.fields.Boolean(
        metadata={"description": "the account is the case's own sub-account"}
    )
    sub_account_number = ma.fields.String()
    court_collection_account = ma.fields.Boolean(
        metadata={"description": "the account is the court's collection account itself"}
    )


@blp.route("")
@blp.arguments(VerifyQuerySchema, location="query")
@blp.response(200, VerifySchema)
def verify_account(query):
    """Tell whether an account a caller was told to pay into belongs to the case"""
    return cases.verify_account(
        services().uow(read_only=True),
        current_actor(),
        query["case_number"],
        query["account_number"],
    )
