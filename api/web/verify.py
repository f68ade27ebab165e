"""The complaint desk's account check (核验账户): is this the account designated for the case?

A caller says they were told to pay a case into some account; the desk types both in and
answers at once whether it is the case's own sub-account, and if not, which one is.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from api.context import services
from api.web.auth import staff_required
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services import cases

bp = Blueprint("verify", __name__, url_prefix="/verify-account")


@bp.get("")
@staff_required(Verb.VERIFY_ACCOUNT)
def check(actor: Actor):
    """Show the check form and, when both fields are given, the answer."""
    case_number = request.args.get("case_number", "").strip()
    account_number = request.args.get("account_number", "").strip()
    answer, refusal, status = None, None, 200
    if case_number and account_number:
        try:
            answer = cases.verify_account(
                services().uow(read_only=True), actor, case_number, account_number
            )
        except NotFound:
            refusal, status = translate("verify.not_found", case_number=case_number), 404
        except ValidationFailed:
            refusal, status = translate("verify.bad_case_number", case_number=case_number), 422
    return render_template(
        "verify.html",
        case_number=case_number,
        account_number=account_number,
        answer=answer,
        refusal=refusal,
    ), status
