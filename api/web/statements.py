"""Uploading a bank statement, the history of imports, one import's lines, and its void."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.errors import back_with_error, error_text
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, InvalidFile, NotFound
from reconcile.permissions import Verb, may
from reconcile.services import lookups, previews, statement_voids, statements

bp = Blueprint("statements", __name__, url_prefix="/statements")

FORMATS = ("ofx", "camt053", "mt940", "csv")
OUTCOMES = ("matched", "orphan", "reconciled", "flagged", "duplicate")
#: where a stored line can stand
LINE_OUTCOMES = ("matched", "orphan", "reconciled", "flagged", "refunding", "refunded", "void")
#: the lines a statement page shows at most; the API pages through the rest
PAGE_LINES = 500
HISTORY_PAGE = 50


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


@bp.get("")
@staff_required(Verb.READ)
def history(actor: Actor):
    """List the imports, newest first, by account, period and who imported."""
    args = request.args
    filters = {
        "account": args.get("account") or None,
        "start": _day(args.get("from")),
        "end": _day(args.get("to")),
        "imported_by": args.get("imported_by") or None,
    }
    before = args.get("before", type=int) or 0
    items = statements.list_statements(
        services().uow(read_only=True), actor, before_id=before, limit=HISTORY_PAGE, **filters
    )
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    more = items[-1]["id"] if len(items) == HISTORY_PAGE else None
    return render_template(
        "statements/history.html",
        items=items,
        accounts=accounts,
        chosen=args,
        more=more,
        query={k: v for k, v in args.items() if k != "before" and v},
    )


@bp.get("/<int:statement_id>")
@staff_required(Verb.READ)
def report(actor: Actor, statement_id: int):
    """Show an import: who imported what when, its report, its lines, alerts and voids."""
    uow = services().uow
    found = statements.get_statement(uow(read_only=True), actor, statement_id)
    outcome = request.args.get("outcome") or None
    lines = statements.statement_lines(
        uow(read_only=True), actor, statement_id, outcome=outcome, limit=PAGE_LINES
    )
    voids = statement_voids.voids_of_statement(uow(read_only=True), actor, statement_id)
    open_void = next((v for v in voids if v["status"] == "requested"), None)
    may_void = may(actor.role, Verb.VOID_STATEMENT) and not found["voided_at"] and not open_void
    blockers = (
        statement_voids.void_blockers(uow(read_only=True), actor, statement_id) if may_void else []
    )
    return render_template(
        "statements/report.html",
        report=found,
        lines=lines,
        outcome=outcome,
        outcomes=LINE_OUTCOMES,
        truncated=len(lines) == PAGE_LINES,
        alerts=statements.statement_alerts(uow(read_only=True), actor, statement_id),
        voids=voids,
        may_void=may_void,
        blockers=blockers,
    )


@bp.post("/<int:statement_id>/void")
@staff_required(Verb.VOID_STATEMENT)
def request_void(actor: Actor, statement_id: int):
    """Ask to void the import (撤销导入); an approver decides on the approvals page."""
    here = url_for("web.statements.report", statement_id=statement_id)
    try:
        statement_voids.request_void(
            services().uow(),
            actor,
            statement_id,
            reason=request.form.get("reason", ""),
            settings=services().settings,
        )
    except DomainError as refusal:
        return back_with_error(refusal, here)
    flash(translate("void.requested"), "success")
    return redirect(here)


def _day(text: str | None):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


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
