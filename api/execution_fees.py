"""The execution fee calculator of a case (执行申请费, 诉讼费用交纳办法 art. 14)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Amount
from reconcile.services import execution_fees

blp = Blueprint("execution_fees", __name__, url_prefix="/cases", description="Cases")


class FeeQuerySchema(ma.Schema):
    basis = Amount(
        positive=False,
        load_default=None,
        metadata={"description": "the amount executed; default: what the case has received"},
    )


class FeeBandSchema(ma.Schema):
    above = Amount(positive=False)
    up_to = Amount(allow_none=True)
    fixed = Amount(allow_none=True, metadata={"description": "the first band's fee"})
    rate = ma.fields.String(allow_none=True, metadata={"example": "0.015"})
    base = Amount(positive=False, metadata={"description": "the part of the basis in the band"})
    fee = Amount(positive=False)


class FeeSchema(ma.Schema):
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    basis = Amount(positive=False)
    basis_source = ma.fields.String(metadata={"description": "given | received"})
    received = Amount(positive=False)
    fee = Amount(positive=False, metadata={"example": "12400.00"})
    bands = ma.fields.List(ma.fields.Nested(FeeBandSchema))


@blp.route("/<int:case_id>/execution-fee")
@blp.arguments(FeeQuerySchema, location="query")
@blp.response(200, FeeSchema)
def execution_fee(query, case_id):
    """The execution fee on an amount executed, by the schedule of art. 14"""
    return execution_fees.case_execution_fee(
        services().uow(read_only=True),
        current_actor(),
        case_id,
        query["basis"],
        services().settings,
    )
