"""One case: its balance, ledger, holds, disbursements and deadlines; search by number."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from api.context import services
from api.web.auth import staff_required
from reconcile.actors import Actor
from reconcile.errors import ValidationFailed
from reconcile.permissions import Verb
from reconcile.services import cases, deadlines, disbursements, holds, lookups

bp = Blueprint("cases", __name__, url_prefix="/cases")

LEDGER_PAGE = 500


def find_case(actor: Actor, text: str) -> dict | None:
    """Return the case with this number (any bracket style) or sub-account number, or None."""
    uow = services().uow
    try:
        found = cases.find_case(uow(read_only=True), actor, text)
    except ValidationFailed:  # not a case number: perhaps a sub-account number
        found = None
    return found or lookups.find_case_by_sub_account(uow(read_only=True), actor, text)


@bp.get("")
@staff_required(Verb.READ)
def search(actor: Actor):
    """Find a case by its number or sub-account number and open it."""
    query = request.args.get("q", "").strip()
    found = find_case(actor, query) if query else None
    if found is not None:
        return redirect(url_for("web.cases.view", case_id=found["id"]))
    status = 404 if query else 200
    return render_template("cases/search.html", query=query, missing=bool(query)), status


@bp.get("/<int:case_id>")
@staff_required(Verb.READ)
def view(actor: Actor, case_id: int):
    """Show a case with its ledger, holds, disbursements and deadlines."""
    uow, settings = services().uow, services().settings
    case = cases.get_case(uow(read_only=True), actor, case_id)
    return render_template(
        "cases/view.html",
        case=case,
        ledger=cases.case_ledger(uow(read_only=True), actor, case_id, limit=LEDGER_PAGE),
        holds=holds.holds_of_case(uow(read_only=True), actor, case_id),
        payments=disbursements.list_disbursements(uow(read_only=True), actor, case_id=case_id),
        deadlines=deadlines.case_deadlines(uow(read_only=True), actor, case_id, settings),
    )
