"""The orphan queue (不明款): oldest first, with suggestions; assign or refund, with a reason."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import queues
from api.web.auth import staff_required
from api.web.cases import find_case
from api.web.errors import back_with_error
from api.web.format import yuan
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services import cases, transactions

bp = Blueprint("orphans", __name__, url_prefix="/orphans")


@bp.get("")
@staff_required(Verb.RESOLVE_ORPHAN)
def index(actor: Actor):
    """List the orphan credits, oldest first, with their suggested cases."""
    lines = queues.orphans(actor)
    return render_template("orphans.html", lines=lines, partial=len(lines) >= queues.MOST)


@bp.post("/<int:line_id>/assign")
@staff_required(Verb.RESOLVE_ORPHAN)
def assign(actor: Actor, line_id: int):
    """Place an orphan on the case chosen or typed in, with a reason."""
    try:
        case = _chosen_case(actor)
        line = transactions.assign_orphan(
            services().uow(), actor, line_id, case["id"], request.form.get("reason", "")
        )
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.orphans.index"))
    flash(
        translate("orphans.assigned", amount=yuan(line["amount"]), case=case["case_number"]),
        "success",
    )
    return redirect(url_for("web.orphans.index"))


@bp.post("/<int:line_id>/refund")
@staff_required(Verb.RESOLVE_ORPHAN)
def refund(actor: Actor, line_id: int):
    """Request the refund of an orphan to the payer's account, with a reason."""
    try:
        line = transactions.refund_orphan(
            services().uow(),
            actor,
            line_id,
            request.form.get("reason", ""),
            settings=services().settings,
        )
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.orphans.index"))
    flash(translate("orphans.refunding", amount=yuan(line["amount"])), "success")
    return redirect(url_for("web.orphans.index"))


def _chosen_case(actor: Actor) -> dict:
    typed = request.form.get("case_ref", "").strip()
    chosen = request.form.get("case_id", "")
    if not typed and not chosen.isdigit():
        raise ValidationFailed("choose a suggested case or type a case number", field="case")
    case = find_case(actor, typed) if typed else None
    if typed and case is None:
        raise NotFound(f"no case {typed} in your courts")
    return case or cases.get_case(services().uow(read_only=True), actor, int(chosen))
