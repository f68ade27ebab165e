"""The orphan queue (不明款): oldest first, with suggestions; assign (one, many at once,
or a credit split across cases) or refund, with a reason; take a placed part off again."""

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
from reconcile.money import InvalidAmount, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import cases, splits, transactions

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


@bp.post("/<int:line_id>/split")
@staff_required(Verb.RESOLVE_ORPHAN)
def split(actor: Actor, line_id: int):
    """Place parts of one credit on several cases (case typed in, amount), with a reason."""
    try:
        parts = _parts(actor)
        line = splits.split_credit(
            services().uow(), actor, line_id, parts, request.form.get("reason", "")
        )
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.orphans.index"))
    placed = sum(amount for _, amount in parts)
    flash(
        translate(
            "orphans.split_done",
            amount=yuan(placed),
            count=len(parts),
            left=yuan(line["unplaced_amount"]),
        ),
        "success",
    )
    return redirect(url_for("web.orphans.index"))


@bp.post("/assign-bulk")
@staff_required(Verb.RESOLVE_ORPHAN)
def assign_bulk(actor: Actor):
    """Assign every ticked orphan to the case chosen beside it: all of them, or none."""
    picked = [value for value in request.form.getlist("line") if value.isdigit()]
    items = []
    for line_id in picked:
        case_id = request.form.get(f"case_{line_id}", "")
        if case_id.isdigit():
            items.append((int(line_id), int(case_id)))
    try:
        if not items:
            raise ValidationFailed("tick at least one credit", field="items")
        done = splits.assign_bulk(services().uow(), actor, items, request.form.get("reason", ""))
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.orphans.index"))
    flash(translate("orphans.bulk_done", count=done["assigned"]), "success")
    return redirect(url_for("web.orphans.index"))


@bp.post("/<int:line_id>/parts/<int:part_id>/unassign")
@staff_required(Verb.RESOLVE_ORPHAN)
def unassign_part(actor: Actor, line_id: int, part_id: int):
    """Take one placed part of a credit off its case again, with a reason."""
    try:
        transactions.unassign(
            services().uow(), actor, line_id, request.form.get("reason", ""), part_id=part_id
        )
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.orphans.index"))
    flash(translate("orphans.part_taken_off"), "success")
    return redirect(url_for("web.orphans.index"))


def _parts(actor: Actor) -> list[tuple[int, int]]:
    """Return the (case id, fen) of each filled row of the split form."""
    refs = request.form.getlist("part_case")
    amounts = request.form.getlist("part_amount")
    parts = []
    for ref, amount in zip(refs, amounts, strict=False):
        ref, amount = ref.strip(), amount.strip()
        if not ref and not amount:
            continue
        case = find_case(actor, ref) if ref else None
        if case is None:
            raise NotFound(f"no case {ref} in your courts")
        try:
            parts.append((case["id"], parse_yuan(amount)))
        except InvalidAmount as e:
            raise ValidationFailed(str(e), field="amount") from e
    return parts


def _chosen_case(actor: Actor) -> dict:
    typed = request.form.get("case_ref", "").strip()
    chosen = request.form.get("case_id", "")
    if not typed and not chosen.isdigit():
        raise ValidationFailed("choose a suggested case or type a case number", field="case")
    case = find_case(actor, typed) if typed else None
    if typed and case is None:
        raise NotFound(f"no case {typed} in your courts")
    return case or cases.get_case(services().uow(read_only=True), actor, int(chosen))
