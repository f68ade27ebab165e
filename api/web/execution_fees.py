"""The execution fee calculator page of a case (执行申请费计算)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template, request

from api.context import services
from api.web.auth import staff_required
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.amount_in_words import in_capitals
from reconcile.money import InvalidAmount, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import execution_fees

bp = Blueprint("fees", __name__)


@bp.app_template_filter("percent")
def percent(rate: str) -> str:
    """Show a rate ("0.015") as a percentage ("1.5%")."""
    return f"{(Decimal(rate) * 100).normalize():f}%"


@bp.get("/cases/<int:case_id>/execution-fee")
@staff_required(Verb.READ)
def calculator(actor: Actor, case_id: int):
    """Compute the fee on the basis typed in, or on what the case has received."""
    typed = request.args.get("basis", "").strip().replace(",", "")
    basis, refusal = None, None
    if typed:
        try:
            basis = parse_yuan(typed)
        except InvalidAmount:
            refusal = translate("fee.bad_basis", basis=typed)
    result = execution_fees.case_execution_fee(
        services().uow(read_only=True), actor, case_id, basis, services().settings
    )
    return render_template(
        "cases/execution_fee.html",
        result=result,
        typed=typed,
        refusal=refusal,
        in_words=in_capitals(result["fee"]),
    ), (422 if refusal else 200)
