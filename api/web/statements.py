"""Uploading a bank statement, the history of imports, one import's lines, and its void."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import listing, statement_history
from api.web import statement_profiles as statement_profiles_page
from api.web.auth import staff_required
from api.web.errors import back_with_error, error_text
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, InvalidFile, NotFound
from reconcile.permissions import Verb, may
from reconcile.services import lookups, previews, statement_profiles, statement_voids, statements

bp = Blueprint("statements", __name__)  #: at /statements, and the profiles page beside it
bp.register_blueprint(statement_profiles_page.bp)

FORMATS = ("ofx", "camt053", "mt940", "csv")
OUTCOMES = ("matched", "orphan", "reconciled", "flagged", "duplicate")
#: where a stored line can stand
LINE_OUTCOMES = ("matched", "orphan", "reconciled", "flagged", "refunding", "refunded", "void")
#: the lines a statement page shows at most; the API pages through the rest
PAGE_LINES = 500
HISTORY_PAGE = statement_history.PAGE
#: the imports counted at most ("10000+")
MOST_COUNTED = 10_000
NO_HEADER = "none"  #: the mapping page's header-row choice for a file that has none


@bp.get("/statements/upload")
@staff_required(Verb.IMPORT_STATEMENT)
def upload_form(actor: Actor):
    """Show the upload form."""
    return _form(actor)


@bp.post("/statements/upload")
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
    if preview.get("unknown_layout"):
        return redirect(url_for("web.statements.layout", preview_id=preview["id"]))
    return redirect(url_for("web.statements.preview", preview_id=preview["id"]))


@bp.get("/statements/previews/<preview_id>")
@staff_required(Verb.IMPORT_STATEMENT)
def preview(actor: Actor, preview_id: str):
    """Show the preview: account, period, totals, counts, warnings, the lines by outcome."""
    try:
        shown = previews.get_preview(services().uow(read_only=True), actor, preview_id)
    except NotFound:
        flash(translate("preview.gone"), "error")
        return redirect(url_for("web.statements.upload_form"))
    if shown.get("unknown_layout"):
        return redirect(url_for("web.statements.layout", preview_id=preview_id))
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


@bp.get("/statements/previews/<preview_id>/layout")
@staff_required(Verb.DEFINE_STATEMENT_PROFILE)
def layout(actor: Actor, preview_id: str):
    """Show the rows of a file whose layout is unknown; let the clerk say which column is
    which, and save that as a statement profile of the court."""
    return _layout_page(actor, preview_id)


@bp.post("/statements/previews/<preview_id>/layout")
@staff_required(Verb.DEFINE_STATEMENT_PROFILE)
def teach(actor: Actor, preview_id: str):
    """Save the mapping as a statement profile and preview the kept file with it."""
    form = request.form
    fields = {
        int(key.removeprefix("column_")): value
        for key, value in form.items()
        if key.startswith("column_") and key.removeprefix("column_").isdigit() and value
    }
    try:
        preview = previews.teach_layout(
            services().uow(),
            actor,
            preview_id,
            services().settings,
            court=form.get("court", ""),
            name=form.get("name", ""),
            header_line=form.get("header_line", type=int),
            headerless=form.get("header_line") == NO_HEADER,
            fields=fields,
            date_order=form.get("date_order") or None,
            decimal_mark=form.get("decimal_mark") or None,
        )
    except NotFound:
        flash(translate("preview.gone"), "error")
        return redirect(url_for("web.statements.upload_form"))
    except DomainError as refusal:
        return _layout_page(actor, preview_id, error=error_text(refusal), status=422)
    flash(translate("profile.saved", name=form.get("name", "")), "success")
    if preview.get("unknown_layout"):
        return redirect(url_for("web.statements.layout", preview_id=preview["id"]))
    return redirect(url_for("web.statements.preview", preview_id=preview["id"]))


@bp.get("/statements/profiles")
def old_profiles():
    """The profiles page's first address: it is /statement-profiles now."""
    return redirect(url_for("web.statements.profiles.index"), 301)


@bp.get("/statements/profiles/<int:profile_id>.toml")
def old_profile_toml(profile_id: int):
    return redirect(url_for("web.statements.profiles.toml", profile_id=profile_id), 301)


@bp.post("/statements/previews/<preview_id>/confirm")
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


@bp.post("/statements/previews/<preview_id>/discard")
@staff_required(Verb.IMPORT_STATEMENT)
def discard(actor: Actor, preview_id: str):
    """Forget the previewed file (取消): nothing is imported."""
    with suppress(NotFound):  # gone already: the result the user asked for
        previews.discard_upload(services().uow(), actor, preview_id)
    flash(translate("preview.discarded"), "success")
    return redirect(url_for("web.statements.upload_form"))


@bp.get("/statements")
@staff_required(Verb.READ)
def history(actor: Actor):
    """List the imports, newest first, by account, period and who imported; with the lines
    and money of each, the page's totals, and XLSX/CSV downloads of what the filters show."""
    args = request.args
    filters = {
        "account": args.get("account") or None,
        "start": _day(args.get("from")),
        "end": _day(args.get("to")),
        "imported_by": args.get("imported_by") or None,
    }
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    if kind := listing.export_format():
        return statement_history.export(actor, filters, accounts, kind)
    before = args.get("before", type=int) or 0
    found = statements.history_page(
        services().uow(read_only=True),
        actor,
        most=MOST_COUNTED,
        before_id=before,
        limit=HISTORY_PAGE + 1,
        **filters,
    )
    items = found["items"][:HISTORY_PAGE]
    more = items[-1]["id"] if len(found["items"]) > HISTORY_PAGE else None
    shown = max(args.get("shown", 0, type=int), 0)
    return render_template(
        "statements/history.html",
        items=items,
        accounts=accounts,
        chosen=args,
        more=more,
        count=found["count"],
        most_counted=MOST_COUNTED,
        shown=shown,
        totals=statement_history.totals(items),
        query={k: v for k, v in args.items() if k not in ("before", "shown", "format") and v},
    )


@bp.get("/statements/<int:statement_id>")
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


@bp.post("/statements/<int:statement_id>/void")
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


def _layout_page(actor: Actor, preview_id: str, *, error: str | None = None, status=200):
    try:
        shown = previews.get_preview(services().uow(read_only=True), actor, preview_id)
    except NotFound:
        flash(translate("preview.gone"), "error")
        return redirect(url_for("web.statements.upload_form"))
    layout = shown.get("unknown_layout")
    if layout is None:
        return redirect(url_for("web.statements.preview", preview_id=preview_id))
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    courts = sorted({a["court"] for a in accounts})
    chosen = next(
        (a["court"] for a in accounts if a["account_number"] == shown.get("account")), None
    )
    width = max((len(row["cells"]) for row in layout["rows"]), default=0)
    guesses = {g["column"]: g for g in layout["guess"]}
    positions = layout.get("positions") or {}
    by_position = {n - 1: f for f, numbers in positions.items() for n in numbers}
    page = render_template(
        "statements/layout.html",
        preview_id=preview_id,
        filename=shown.get("filename"),
        layout=layout,
        width=width,
        guesses=guesses,
        suggested={i: by_position.get(i) or _suggested(guesses.get(i)) for i in range(width)},
        header_line=NO_HEADER if layout.get("headerless") else _header_guess(layout["rows"]),
        no_header=NO_HEADER,
        fields=statement_profiles.MAPPABLE,
        courts=courts,
        court=chosen or (courts[0] if courts else None),
        error=error,
        form=request.form,
    )
    return page, status


def _suggested(guess: dict | None) -> str:
    """The field a column's header names, where one of the mappable fields."""
    for name in (guess or {}).get("header_names", ()):
        if name in statement_profiles.MAPPABLE:
            return name
    return ""


def _header_guess(rows: list[dict]) -> int | None:
    """The first row holding no number: most likely the header row."""
    for row in rows:
        cells = [c for c in row["cells"] if c.strip()]
        if len(cells) >= 2 and not any(any(ch.isdigit() for ch in c) for c in cells):
            return row["line"]
    return rows[0]["line"] if rows else None


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
