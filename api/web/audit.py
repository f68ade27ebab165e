"""Audit trail pages (审计记录): who did what to a case or one object, and when, with the
values before and after, each record checked against its hash."""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request

from api.context import services
from api.message_catalogue import say
from api.web.auth import staff_required
from api.web.format import yuan
from api.web.i18n import label, language, translate
from reconcile.actors import Actor
from reconcile.permissions import Verb
from reconcile.services import audit_trail, cases

bp = Blueprint("audit", __name__)

#: fields the trail keeps as integer fen (others record yuan strings, shown as written)
FEN_FIELDS = frozenset(
    {
        "amount",
        "amount_due",
        "held",
        "released",
        "received",
        "paid",
        "pending",
        "approved_unpaid",
        "available",
    }
)
#: a value longer than this is cut on the page (the trail itself keeps it whole)
SHOWN = 160


@bp.app_template_filter("audit_action")
def audit_action(action: str) -> str:
    """Name an audit action ("disbursement.approved") in the page's language."""
    entity, _, verb = action.partition(".")
    return f"{label('audit_entity', entity)} · {label('audit_verb', verb)}"


@bp.app_template_filter("audit_value")
def audit_value(value: object, field: str = "", entity_type: str = "") -> str:
    """Show a recorded value compactly: a status by its name (as the kind of object names
    it, else in general), money in yuan, anything else as JSON."""
    if value is None:
        return "—"
    if isinstance(value, dict) and set(value) == {"template", "facts"}:  # the service's words
        return say(value["template"], value["facts"] or {}, language())
    if field == "status" and isinstance(value, str):
        return translate(
            f"audit_status.{entity_type}.{value}", default=label("audit_status", value)
        )
    if field in FEN_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return yuan(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


@bp.get("/cases/<int:case_id>/audit")
@staff_required(Verb.READ)
def case_trail(actor: Actor, case_id: int):
    """Show the audit trail of a case and of everything of it."""
    uow = services().uow
    case = cases.get_case(uow(read_only=True), actor, case_id)
    trail = audit_trail.case_trail(uow(read_only=True), actor, case_id, after_seq=_after())
    title = translate("audit.case_title", case_number=case["case_number"])
    return render_template("audit.html", trail=trail, title=title, case=case)


@bp.get("/audit/<entity_type>/<entity_id>")
@staff_required(Verb.READ)
def object_trail(actor: Actor, entity_type: str, entity_id: str):
    """Show the audit trail of one object (a statement, a disbursement, an alert, …)."""
    trail = audit_trail.object_trail(
        services().uow(read_only=True), actor, entity_type, entity_id, after_seq=_after()
    )
    title = translate("audit.object_title", what=label("audit_entity", entity_type), id=entity_id)
    return render_template("audit.html", trail=trail, title=title, case=None)


def _after() -> int:
    after = request.args.get("after", "")
    return int(after) if after.isdigit() and len(after) < 19 else 0
