"""The line rules page (/line-rules): finance keeps the rules for lines that are not case
money (利息, 手续费, 本院划转) — list, create, edit, switch off and on — and tries a rule on
past lines ("what would this rule have matched"). Every change goes through the use case
(reconcile/services/line_rules.py), which audits it, as PATCH /line-rules/{id} does.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.errors import error_text
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, ValidationFailed
from reconcile.line_rules import DIRECTIONS, LineOutcome
from reconcile.money import InvalidAmount, format_yuan, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import line_rules

bp = Blueprint("line_rules", __name__, url_prefix="/line-rules")

TEXT_FIELDS = ("counterparty_name", "counterparty_account", "remark_text", "remark_pattern")
AMOUNT_FIELDS = ("amount_min", "amount_max")
OUTCOMES = [o.value for o in LineOutcome]


@bp.get("")
@staff_required(Verb.READ)
def index(actor: Actor):
    """List the rules of the user's courts, with a form for a new one (finance)."""
    return _index_page(actor)


@bp.post("")
@staff_required(Verb.DEFINE_LINE_RULE)
def create(actor: Actor):
    """Save a new rule (audited, like POST /line-rules)."""
    try:
        values = _form_values()
        court = request.form.get("court") or _only_court(actor)
        made = line_rules.create_rule(services().uow(), actor, court=court, values=values)
    except DomainError as refusal:
        return _index_page(actor, error=error_text(refusal), status=422)
    flash(translate("line_rules.created", name=made["name"]), "success")
    return redirect(url_for("web.line_rules.index"))


@bp.get("/<int:rule_id>")
@staff_required(Verb.DEFINE_LINE_RULE)
def edit(actor: Actor, rule_id: int):
    """Show a rule in a form to change it."""
    found = line_rules.get_rule(services().uow(read_only=True), actor, rule_id)
    return _edit_page(found)


@bp.post("/<int:rule_id>")
@staff_required(Verb.DEFINE_LINE_RULE)
def save(actor: Actor, rule_id: int):
    """Save the changed rule (audited with before and after)."""
    found = line_rules.get_rule(services().uow(read_only=True), actor, rule_id)
    try:
        changes = {**_form_values(), "active": found["active"]}
        saved = line_rules.update_rule(services().uow(), actor, rule_id, changes)
    except DomainError as refusal:
        return _edit_page(found, error=error_text(refusal), status=422)
    flash(translate("line_rules.saved", name=saved["name"]), "success")
    return redirect(url_for("web.line_rules.index"))


@bp.post("/<int:rule_id>/active")
@staff_required(Verb.DEFINE_LINE_RULE)
def switch(actor: Actor, rule_id: int):
    """Switch a rule off (停用) or on again; audited."""
    active = request.form.get("active") == "true"
    try:
        saved = line_rules.update_rule(services().uow(), actor, rule_id, {"active": active})
    except DomainError as refusal:
        flash(error_text(refusal), "error")
        return redirect(url_for("web.line_rules.index"))
    key = "line_rules.activated" if saved["active"] else "line_rules.deactivated"
    flash(translate(key, name=saved["name"]), "success")
    return redirect(url_for("web.line_rules.index"))


@bp.get("/<int:rule_id>/matches")
@staff_required(Verb.READ)
def matches(actor: Actor, rule_id: int):
    """The past lines the rule would have matched in a period, page by page."""
    args = request.args
    error, found = None, None
    try:
        since, until = _day(args.get("from"), "from"), _day(args.get("to"), "to")
        after = args.get("after")
        found = line_rules.would_match(
            services().uow(read_only=True),
            actor,
            rule_id,
            since=since,
            until=until,
            after_id=int(after) if after and after.isdigit() and len(after) < 19 else None,
            limit=50,
        )
    except ValidationFailed as refusal:
        error = error_text(refusal)
    rule = (
        found["rule"]
        if found
        else line_rules.get_rule(services().uow(read_only=True), actor, rule_id)
    )
    page = render_template(
        "line_rules/matches.html", rule=rule, found=found, error=error, args=args
    )
    return page, (422 if error else 200)


def _index_page(actor: Actor, *, error: str | None = None, status: int = 200):
    items = line_rules.list_rules(services().uow(read_only=True), actor)
    courts = [] if actor.all_courts else sorted(actor.courts)
    page = render_template(
        "line_rules/index.html",
        items=items,
        courts=courts,
        directions=DIRECTIONS,
        outcomes=OUTCOMES,
        form=request.form if request.method == "POST" else None,
        error=error,
        yuan=_yuan,
    )
    return page, status


def _edit_page(found: dict, *, error: str | None = None, status: int = 200):
    page = render_template(
        "line_rules/edit.html",
        rule=found,
        directions=DIRECTIONS,
        outcomes=OUTCOMES,
        form=request.form if request.method == "POST" else None,
        error=error,
        yuan=_yuan,
    )
    return page, status


def _yuan(fen: int | None) -> str:
    return "" if fen is None else format_yuan(fen)


def _form_values() -> dict:
    """The rule's members as the form gives them (an empty field: no such condition)."""
    form = request.form
    values: dict = {
        "name": form.get("name", "").strip(),
        "direction": form.get("direction") or None,
        "outcome": form.get("outcome", ""),
    }
    for key in TEXT_FIELDS:
        values[key] = form.get(key, "").strip() or None
    for key in AMOUNT_FIELDS:
        text = form.get(key, "").strip()
        try:
            values[key] = parse_yuan(text) if text else None
        except InvalidAmount:
            raise ValidationFailed("Not an amount: {text}", field=key, text=text) from None
    if values["outcome"] == LineOutcome.CASE:
        values["case_number"] = form.get("case_number", "").strip() or None
    return values


def _only_court(actor: Actor) -> str:
    if len(actor.courts) == 1:
        return next(iter(actor.courts))
    raise ValidationFailed("choose the court the rule is for", field="court")


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        if name == "from":
            raise ValidationFailed("from: not a date (YYYY-MM-DD)", field=name) from None
        raise ValidationFailed("to: not a date (YYYY-MM-DD)", field=name) from None
