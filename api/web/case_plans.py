"""A case's distribution plans page (分配方案): issue, object, withdraw, execute.

A refused action shows the page again with the refusal at its form and the input kept.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from api.context import services
from api.errors import STATUS_OF
from api.web.auth import staff_required
from api.web.case_actions import refusal_text
from api.web.format import yuan
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.clock import local_today
from reconcile.distribution import OPEN_STATUSES, Method, PlanStatus
from reconcile.errors import Conflict, DomainError, ValidationFailed
from reconcile.money import InvalidAmount, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import cases, distribution_plans

bp = Blueprint("case_plans", __name__)

_OPEN = {s.value for s in OPEN_STATUSES}


@bp.get("/cases/<int:case_id>/distribution-plans")
@staff_required(Verb.READ)
def plans_page(actor: Actor, case_id: int):
    """Show the case's plans: the open one with its shares and objection date, the form."""
    return _page(actor, case_id)


@bp.post("/cases/<int:case_id>/distribution-plans")
@staff_required(Verb.PLACE_HOLD)
def issue(actor: Actor, case_id: int):
    """Issue a plan from the claims typed in (an applicant with no amount does not claim)."""
    form = request.form
    try:
        plan = distribution_plans.issue_plan(
            services().uow(),
            actor,
            case_id,
            method=form.get("method", ""),
            claims=_claims(form),
            document_reference=form.get("document_reference", ""),
            served_on=_day(form.get("served_on"), "served_on"),
            settings=services().settings,
        )
    except DomainError as refusal:
        return _refused(actor, case_id, "issue", refusal)
    flash(
        translate("plans.issued", id=plan["id"], ends_on=plan["objection_ends_on"].isoformat()),
        "success",
    )
    return redirect(url_for("web.case_plans.plans_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/distribution-plans/<int:plan_id>/objections")
@staff_required(Verb.PLACE_HOLD)
def record_objection(actor: Actor, case_id: int, plan_id: int):
    """Record a party's objection: the money stays held."""
    _check_plan_of(actor, case_id, plan_id)
    form = request.form
    try:
        distribution_plans.record_objection(
            services().uow(),
            actor,
            plan_id,
            party_id=_int(form.get("party_id"), "party_id"),
            reason=form.get("reason", ""),
            document_reference=form.get("document_reference", ""),
        )
    except DomainError as refusal:
        return _refused(actor, case_id, "objection", refusal)
    flash(translate("plans.objected", id=plan_id), "success")
    return redirect(url_for("web.case_plans.plans_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/distribution-plans/<int:plan_id>/withdraw")
@staff_required(Verb.PLACE_HOLD)
def withdraw(actor: Actor, case_id: int, plan_id: int):
    """Withdraw the plan: its hold is released."""
    _check_plan_of(actor, case_id, plan_id)
    try:
        distribution_plans.withdraw_plan(
            services().uow(),
            actor,
            plan_id,
            document_reference=request.form.get("document_reference"),
        )
    except DomainError as refusal:
        return _refused(actor, case_id, "withdraw", refusal)
    flash(translate("plans.withdrawn", id=plan_id), "success")
    return redirect(url_for("web.case_plans.plans_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/distribution-plans/<int:plan_id>/execute")
@staff_required(Verb.REQUEST)
def execute(actor: Actor, case_id: int, plan_id: int):
    """Execute a plan whose objection period ended with no objection."""
    _check_plan_of(actor, case_id, plan_id)
    try:
        done = distribution_plans.execute_plan(
            services().uow(), actor, plan_id, settings=services().settings
        )
    except DomainError as refusal:
        return _refused(actor, case_id, "execute", refusal)
    made = sum(1 for s in done["shares"] if s["disbursement_id"])
    flash(translate("plans.executed", id=plan_id, count=made), "success")
    if done["refused"]:
        flash(translate("plans.some_refused", count=len(done["refused"])), "error")
    return redirect(url_for("web.case_plans.plans_page", case_id=case_id))


# ---- the page ----


def _page(actor: Actor, case_id: int, refusal: dict | None = None):
    uow, settings = services().uow, services().settings
    case = cases.get_case(uow(read_only=True), actor, case_id)
    plans = distribution_plans.plans_of_case(uow(read_only=True), actor, case_id)
    start = distribution_plans.plan_form(uow(read_only=True), actor, case_id, settings)
    today = local_today()
    return render_template(
        "cases/distribution_plans.html",
        case=case,
        open_plan=next((p for p in plans if p["status"] in _OPEN), None),
        past=[p for p in plans if p["status"] not in _OPEN],
        start=start,
        methods=[m.value for m in Method],
        objectors=_objectors(start),
        refusal=refusal,
        today=today.isoformat(),
        due=lambda plan: plan["status"] == PlanStatus.ISSUED and today > plan["objection_ends_on"],
    )


def _objectors(start: dict) -> list[dict]:
    """The parties who may object: the applicants and the respondents."""
    return [
        *({"party_id": a["party_id"], "name": a["name"]} for a in start["applicants"]),
        *start["respondents"],
    ]


def _refused(actor: Actor, case_id: int, form: str, error: DomainError):
    if isinstance(error, Conflict) and form != "issue":
        flash(_refusal_text(error), "error")
        return redirect(url_for("web.case_plans.plans_page", case_id=case_id))
    refusal = {"form": form, "message": _refusal_text(error), "values": request.form.to_dict()}
    return _page(actor, case_id, refusal=refusal), STATUS_OF.get(error.code, 422)


def _refusal_text(error: DomainError) -> str:
    if isinstance(error, ValidationFailed) and error.field:
        text = translate(f"plans.invalid.{error.field}", default="")
        if text:
            return text
    text = translate(f"plans.refused.{error.code}", default="", **_shown(error.facts))
    if error.code == "conflict" and "objection_ends_on" in error.facts:
        return translate("plans.refused.period_runs", **_shown(error.facts))
    if error.code == "conflict" and "plan_id" in error.facts:
        return translate("plans.refused.plan_open", **_shown(error.facts))
    return text or refusal_text(error)


def _shown(facts: dict) -> dict:
    shown = {k: yuan(v) if isinstance(v, int) and k != "plan_id" else v for k, v in facts.items()}
    if "current" in shown:  # a plan's status, in the page's words
        shown["current"] = translate(f"plans.status.{shown['current']}", default=shown["current"])
    return shown


def _check_plan_of(actor: Actor, case_id: int, plan_id: int) -> None:
    plan = distribution_plans.get_plan(services().uow(read_only=True), actor, plan_id)
    if plan["case_id"] != case_id:
        abort(404)


def _claims(form) -> list[dict]:
    claims = []
    for text in form.getlist("party_id"):
        party_id = _int(text, "claims")
        amount = (form.get(f"amount_{party_id}") or "").strip().replace(",", "")
        if not amount:
            continue
        try:
            fen = parse_yuan(amount)
        except InvalidAmount as wrong:
            raise ValidationFailed("a claim is not a sum of yuan", field="claims") from wrong
        order = (form.get(f"order_{party_id}") or "").strip()
        claims.append({"party_id": party_id, "amount": fen, "order": _int(order or "0", "order")})
    return claims


def _int(text: str | None, field: str) -> int:
    try:
        value = int((text or "").strip())
    except ValueError as wrong:
        raise ValidationFailed("not a number", field=field) from wrong
    if not 0 <= value < 2**63:
        raise ValidationFailed("not a number", field=field)
    return value


def _day(text: str | None, field: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError as wrong:
        raise ValidationFailed("not a date", field=field) from wrong
