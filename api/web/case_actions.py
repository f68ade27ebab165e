"""Actions on a case's page: holds (place, release), a payment request, marking a payment paid.

A refused action shows the case page again with the refusal at its form and the input kept.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for

from api.context import services
from api.errors import STATUS_OF
from api.web.auth import staff_required
from api.web.cases import case_page
from api.web.errors import error_text
from api.web.format import yuan
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import Conflict, DomainError, ValidationFailed
from reconcile.money import InvalidAmount, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import deferrals, disbursements, holds

bp = Blueprint("case_actions", __name__)


@bp.post("/cases/<int:case_id>/holds")
@staff_required(Verb.PLACE_HOLD)
def place_hold(actor: Actor, case_id: int):
    """Hold disputed money of the case (冻结), by the document that orders it."""
    form = request.form
    try:
        hold = holds.place_hold(
            services().uow(),
            actor,
            case_id,
            amount=amount_field(form.get("amount")),
            reason=form.get("reason", ""),
            document_reference=form.get("document_reference", ""),
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, "hold", refusal)
    flash(translate("case_actions.hold_placed", amount=yuan(hold["amount"])), "success")
    return redirect(url_for("web.cases.view", case_id=case_id) + "#holds")


@bp.post("/cases/<int:case_id>/holds/<int:hold_id>/release")
@staff_required(Verb.PLACE_HOLD)
def release_hold(actor: Actor, case_id: int, hold_id: int):
    """Release a hold in part (an amount) or in whole (no amount)."""
    uow = services().uow
    if holds.get_hold(uow(read_only=True), actor, hold_id)["case_id"] != case_id:
        abort(404)
    form = request.form
    text = (form.get("amount") or "").strip()
    try:
        hold = holds.release_hold(
            uow(),
            actor,
            hold_id,
            amount=amount_field(text) if text else None,
            document_reference=(form.get("document_reference") or "").strip() or None,
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, f"release-{hold_id}", refusal)
    key = "case_actions.hold_released" if hold["held"] == 0 else "case_actions.hold_released_part"
    flash(translate(key, held=yuan(hold["held"]), released=yuan(hold["released"])), "success")
    return redirect(url_for("web.cases.view", case_id=case_id) + "#holds")


@bp.post("/cases/<int:case_id>/payments")
@staff_required(Verb.REQUEST)
def request_payment(actor: Actor, case_id: int):
    """Request a payment (发出支付通知) to one of the payee accounts the case's documents name."""
    form = request.form
    try:
        made = disbursements.request_disbursement(
            services().uow(),
            actor,
            case_id,
            amount=amount_field(form.get("amount")),
            payee_account_number=form.get("payee_account_number", ""),
            note=(form.get("note") or "").strip() or None,
            settings=services().settings,
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, "payment", refusal)
    flash(
        translate(
            "case_actions.payment_requested",
            id=made["id"],
            amount=yuan(made["amount"]),
            account=made["payee_account_number"],
        ),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case_id) + "#payments")


@bp.post("/cases/<int:case_id>/payments/<int:disbursement_id>/paid")
@staff_required(Verb.PAY)
def mark_paid(actor: Actor, case_id: int, disbursement_id: int):
    """Record that finance paid the approved payment at the bank (bank reference, date)."""
    uow = services().uow
    found = disbursements.get_disbursement(uow(read_only=True), actor, disbursement_id)
    if found["case_id"] != case_id:
        abort(404)
    form = request.form
    try:
        reference = (form.get("bank_reference") or "").strip()
        if not reference:
            raise ValidationFailed("the bank reference is missing", field="bank_reference")
        paid = disbursements.mark_paid(
            uow(),
            actor,
            disbursement_id,
            bank_reference=reference,
            paid_on=date_field(form.get("paid_on")),
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, f"paid-{disbursement_id}", refusal)
    flash(
        translate("case_actions.marked_paid", id=paid["id"], amount=yuan(paid["amount"])),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case_id) + "#payments")


@bp.post("/cases/<int:case_id>/deferrals")
@staff_required(Verb.REQUEST)
def request_deferral(actor: Actor, case_id: int):
    """Ask to defer the case's payment (延缓发放) or pay into escrow (提存), on a legal ground."""
    form = request.form
    try:
        made = deferrals.request_deferral(
            services().uow(),
            actor,
            case_id,
            kind=form.get("kind", ""),
            ground=form.get("ground", ""),
            document_reference=form.get("document_reference", ""),
            until=date_field(form.get("until"), field="until"),
            review_on=date_field(form.get("review_on"), field="review_on"),
            amount=_deferred_amount(form.get("amount")),
            settings=services().settings,
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, "deferral", refusal)
    kind = translate(f"case_actions.deferral_kind.{made['kind']}")
    flash(translate("case_actions.deferral_requested", id=made["id"], kind=kind), "success")
    return redirect(url_for("web.cases.view", case_id=case_id) + "#deferrals")


def refusal_text(error: DomainError, form: str = "") -> str:
    """Say a refusal in the page's language from its code and facts, never its English;
    a field's words may be the form's own (case_actions.invalid.<form>.<field>)."""
    facts = {k: yuan(v) if isinstance(v, int) else v for k, v in error.facts.items()}
    if isinstance(error, ValidationFailed) and error.field:
        field = error.field + (".held" if "held" in facts else "")
        for key in (f"case_actions.invalid.{form}.{field}", f"case_actions.invalid.{field}"):
            text = translate(key, default="", **facts)
            if text:
                return text
    text = translate(f"case_actions.refused.{error.code}", default="", **facts)
    return text or error_text(error)


def refused_at_form(actor: Actor, case_id: int, form: str, error: DomainError):
    if isinstance(error, Conflict):  # it moved meanwhile: its form may be gone, so say it on top
        flash(refusal_text(error, form.split("-")[0]), "error")
        return redirect(url_for("web.cases.view", case_id=case_id))
    message = refusal_text(error, form.split("-")[0])
    refusal = {"form": form, "message": message, "values": request.form.to_dict()}
    return case_page(actor, case_id, refusal=refusal), STATUS_OF.get(error.code, 422)


def amount_field(text: str | None) -> int:
    try:
        return parse_yuan((text or "").strip())
    except InvalidAmount as wrong:
        raise ValidationFailed("the amount is not a sum of yuan", field="amount") from wrong


def _deferred_amount(text: str | None) -> int | None:
    """A deferral's amount: empty is all of the case's waiting money."""
    return amount_field(text) if (text or "").strip() else None


def date_field(text: str | None, field: str = "paid_on") -> date | None:
    """A form's optional day (YYYY-MM-DD): empty is none; anything else is refused at `field`."""
    if not (text or "").strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as wrong:
        raise ValidationFailed("not a date", field=field) from wrong
