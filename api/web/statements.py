"""Uploading a bank statement and reading its import report."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.errors import error_text
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, InvalidFile
from reconcile.permissions import Verb
from reconcile.services import imports, lookups, statements

bp = Blueprint("statements", __name__, url_prefix="/statements")

FORMATS = ("ofx", "camt053", "mt940", "csv")


@bp.get("/upload")
@staff_required(Verb.IMPORT_STATEMENT)
def upload_form(actor: Actor):
    """Show the upload form."""
    return _form(actor)


@bp.post("/upload")
@staff_required(Verb.IMPORT_STATEMENT)
def upload(actor: Actor):
    """Import the uploaded file; show its report, or why it was refused and where."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _form(actor, error=translate("upload.no_file"), status=422)
    try:
        report = imports.import_statement(
            services().uow(),
            actor,
            upload.stream,
            filename=upload.filename,
            format=request.form.get("format") or None,
            account=request.form.get("account") or None,
            batch_size=services().settings["imports"]["batch_size"],
        )
    except InvalidFile as refusal:
        return _form(actor, error=error_text(refusal), where=refusal.facts, status=422)
    except DomainError as refusal:
        return _form(actor, error=error_text(refusal), status=422)
    flash(translate("upload.duplicate" if report["duplicate"] else "upload.done"), "success")
    return redirect(url_for("web.statements.report", statement_id=report["id"]))


@bp.get("/<int:statement_id>")
@staff_required(Verb.READ)
def report(actor: Actor, statement_id: int):
    """Show an import's report."""
    found = statements.get_report(services().uow(read_only=True), actor, statement_id)
    return render_template("statements/report.html", report=found)


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
