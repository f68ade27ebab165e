"""Closing a case from its page (结案), with its closure type; reopening it (执恢)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.format import yuan
from api.web.i18n import label, translate
from reconcile.actors import Actor
from reconcile.case_closing import CaseHasFunds
from reconcile.errors import DomainError
from reconcile.permissions import Verb
from reconcile.services import cases

bp = Blueprint("closing", __name__)


@bp.post("/cases/<int:case_id>/close")
@staff_required(Verb.REGISTER_CASE)
def close(actor: Actor, case_id: int):
    """Close the case as the form says, or say what is still on it."""
    kind = request.form.get("closure_type") or None
    return _move(actor, case_id, "closed", kind, "closing.closed")


@bp.post("/cases/<int:case_id>/reopen")
@staff_required(Verb.REGISTER_CASE)
def reopen(actor: Actor, case_id: int):
    """Reopen a closed case (执恢): enforcement resumes."""
    return _move(actor, case_id, "open", None, "closing.reopened")


def _move(actor: Actor, case_id: int, status: str, kind: str | None, done: str):
    back = url_for("web.cases.view", case_id=case_id)
    try:
        cases.set_case_status(services().uow(), actor, case_id, status, kind)
    except CaseHasFunds as refusal:
        flash(translate("closing.refused", blockers=_blockers(refusal)), "error")
        return redirect(back + "#closing")
    except DomainError as refusal:
        key = "closing.needs_type" if refusal.code == "validation_error" else "closing.not_now"
        flash(translate(key), "error")
        return redirect(back + "#closing")
    flash(translate(done, closure=label("closure", kind) if kind else ""), "success")
    return redirect(back)


def _blockers(refusal: CaseHasFunds) -> str:
    parts = []
    for blocker in refusal.facts["blockers"]:
        if blocker["reason"] == "money_on_account":
            parts.append(translate("closing.money_on_account", amount=yuan(blocker["amount"])))
        else:
            parts.append(translate(f"closing.{blocker['reason']}", count=blocker["count"]))
    return translate("closing.separator").join(parts)
