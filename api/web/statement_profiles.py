"""The statement profiles page (/statement-profiles): list, edit, export as TOML.

A profile is made on the upload page, where a clerk maps a file no profile reads; here
finance corrects it later: its name, what identifies it, the header names (or, for a file
without a header row, the column numbers) of each field, the date order and decimal mark.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.errors import error_text
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services import statement_profiles

bp = Blueprint("profiles", __name__, url_prefix="/statement-profiles")

#: header names (or column numbers) of one field are written separated by this
SEPARATOR = "|"


@bp.get("")
@staff_required(Verb.READ)
def index(actor: Actor):
    """List the statement profiles of the user's courts: who made each, when."""
    items = statement_profiles.list_profiles(services().uow(read_only=True), actor)
    return render_template("statements/profiles.html", items=items)


@bp.get("/<int:profile_id>.toml")
@staff_required(Verb.READ)
def toml(actor: Actor, profile_id: int):
    """Download a statement profile as a config/csv_profiles/*.toml file."""
    filename, text = statement_profiles.export_toml(
        services().uow(read_only=True), actor, profile_id
    )
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return text, 200, {"Content-Type": "application/toml; charset=utf-8", **headers}


@bp.get("/<int:profile_id>")
@staff_required(Verb.DEFINE_STATEMENT_PROFILE)
def edit(actor: Actor, profile_id: int):
    """Show a profile in a form to correct it."""
    found = statement_profiles.get_profile(services().uow(read_only=True), actor, profile_id)
    return _edit_page(found)


@bp.post("/<int:profile_id>")
@staff_required(Verb.DEFINE_STATEMENT_PROFILE)
def save(actor: Actor, profile_id: int):
    """Save the corrected profile (audited, like PATCH /statement-profiles/{id})."""
    found = statement_profiles.get_profile(services().uow(read_only=True), actor, profile_id)
    try:
        changes = {"name": request.form.get("name", ""), "definition": _edited(found)}
        saved = statement_profiles.update_profile(services().uow(), actor, profile_id, changes)
    except DomainError as refusal:
        return _edit_page(found, error=error_text(refusal), status=422)
    flash(translate("profile.changed", name=saved["name"]), "success")
    return redirect(url_for("web.statements.profiles.index"))


def _edit_page(found: dict, *, error: str | None = None, status: int = 200):
    definition = found["definition"]
    headerless = bool(definition.get("positions"))
    mapped = definition.get("positions" if headerless else "columns", {})
    page = render_template(
        "statements/profile_edit.html",
        profile=found,
        definition=definition,
        headerless=headerless,
        fields=statement_profiles.MAPPABLE,
        written={f: f" {SEPARATOR} ".join(map(str, mapped.get(f, ()))) for f in mapped},
        detect="\n".join(definition.get("detect", ())),
        form=request.form if request.method == "POST" else None,
        error=error,
    )
    return page, status


def _edited(found: dict) -> dict:
    """The definition keys the form changes (a key given as None is dropped)."""
    form = request.form
    headerless = bool(found["definition"].get("positions"))
    key = "positions" if headerless else "columns"
    # fields the form does not show (transaction_date, account, status …) are kept
    mapped = {
        name: value
        for name, value in found["definition"].get(key, {}).items()
        if name not in statement_profiles.MAPPABLE
    }
    for field_name in statement_profiles.MAPPABLE:
        parts = [p.strip() for p in form.get(f"field_{field_name}", "").split(SEPARATOR)]
        parts = [p for p in parts if p]
        if parts:
            mapped[field_name] = (
                [_column_number(p, field_name) for p in parts] if headerless else parts
            )
    changes: dict = {
        "description": form.get("description", "").strip(),
        # without an amount field of its own, the layout follows the inherited columns
        "amount_layout": statement_profiles.implied_amount_layout(mapped)
        if mapped.keys() & {"amount", "debit", "credit"}
        else None,
        "date_order": form.get("date_order") or None,
        "decimal_mark": form.get("decimal_mark") or None,
        "check_running_balance": form.get("check_running_balance") == "on",
        key: mapped,
    }
    if not headerless:
        changes["detect"] = [
            line.strip() for line in form.get("detect", "").splitlines() if line.strip()
        ]
    return changes


def _column_number(text: str, field_name: str) -> int:
    if not text.isdigit() or not text.isascii():
        raise ValidationFailed(
            "“{text}” is not a column number", field=f"field_{field_name}", text=text
        )
    return int(text)
