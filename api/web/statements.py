"""Uploading a bank statement and reading its import report."""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.errors import error_text
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, InvalidFile, NotFound
from reconcile.permissions import Verb
from reconcile.services import lookups, previews, statements

bp = Blueprint("statements", __name__, url_prefix="/statements")

FORMATS = ("ofx", "camt053", "mt940", "csv")
OUTCOMES = ("matched", "orphan", "reconciled", "flagged", "duplicate")


@bp.get("/upload")
@staff_required(Verb.IMPORT_STATEMENT)
def upload_form(actor: Actor):
    """Show the upload form."""
    return _form(actor)


@bp.post("/upload")
@staff_required(Verb.IMPORT_STATEMENT)
def upload(actor: Actor):
    """Preview the uploaded file: what the import would do; nothing is booked yet."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _form(actor, error=translate("upload.no_file"), status=422)
    try:
        preview = previews.preview_upload(
            services().uow(),
            actor,
            upload.stream.read(),
            services().settings,
            filename=upload.filename,
            format=request.form.get("format") or None,
            account=request.form.get("account") or None,
        )
    except InvalidFile as refusal:
        return _form(actor, error=error_text(refusal), where=refusal.facts, status=422)
    except DomainError as refusal:
        return _form(actor, error=error_text(refusal), status=422)
    return redirect(url_for("web.statements.preview", preview_id=preview["id"]))


@bp.get("/previews/<preview_id>")
@staff_required(Verb.IMPORT_STATEMENT)
def preview(actor: Actor, preview_id: str):
    """Show the preview: account, period, totals, counts, warnings, the lines by outcome."""
    try:
        shown = previews.get_preview(services().uow(read_only=True), actor, preview_id)
    except NotFound:
        flash(translate("preview.gone"), "error")
        return redirect(url_for("web.statements.upload_form"))
    outcome = request.args.get("outcome") or None
    lines = [line for line in shown["lines"] if outcome in (None, line["outcome"])]
    return render_template(
        "statements/preview.html",
        preview=shown,
        lines=lines,
        outcome=outcome,
        totals=_totals(shown["lines"]),
        outcomes=OUTCOMES,
    )


@bp.post("/previews/<preview_id>/confirm")
@staff_required(Verb.IMPORT_STATEMENT)
def confirm(actor: Actor, preview_id: str):
    """Import the previewed file (确认导入) and show its report."""
    try:
        report = previews.confirm_upload(services().uow(), actor, preview_id, services().settings)
    except NotFound:
        flash(translate("preview.gone"), "error")
        return redirect(url_for("web.statements.upload_form"))
    except DomainError as refusal:
        return _form(actor, error=error_text(refusal), where=refusal.facts, status=422)
    flash(translate("upload.duplicate" if report["duplicate"] else "upload.done"), "success")
    return redirect(url_for("web.statements.report", statement_id=report["id"]))


@bp.post("/previews/<preview_id>/discard")
@staff_required(Verb.IMPORT_STATEMENT)
def discard(actor: Actor, preview_id: str):
    """Forget the previewed file (取消): nothing is imported."""
    with suppress(NotFound):  # gone already: the result the user asked for
        previews.discard_upload(services().uow(), actor, preview_id)
    flash(translate("preview.discarded"), "success")
    return redirect(url_for("web.statements.upload_form"))


@bp.get("/<int:statement_id>")
@staff_required(Verb.READ)
def report(actor: Actor, statement_id: int):
    """Show an import's report."""
    found = statements.get_report(services().uow(read_only=True), actor, statement_id)
    return render_template("statements/report.html", report=found)


def _totals(lines: list[dict]) -> dict:
    """Return the shown lines' money in and out (fen), duplicates left out."""
    new = [line for line in lines if line["outcome"] != "duplicate"]
    return {
        "credits": sum(line["amount"] for line in new if line["direction"] == "credit"),
        "debits": sum(line["amount"] for line in new if line["direction"] == "debit"),
    }


def _form(actor: Actor, *, error: str | None = None, where: dict | None = None, status=200):
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    page = render_template(
        "statements/upload.html",
        accounts=accounts,
        formats=FORMATS,
        error=error,
        where=where or {},
        chosen=request.form,
    )
    return page, status
