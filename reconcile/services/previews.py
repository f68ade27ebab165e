"""Previewing an upload before it is imported, and importing it on confirmation.

Staff see what an import would do — account, period, totals, each line's outcome,
warnings — before anything is booked. The file is kept server-side, bound to its
uploader and its hash, for a limited time, so that confirming needs no second upload.

A file whose layout the importer cannot read is kept too, with the rows it looked at and
its guess per column (`unknown_layout`): the clerk says which column is which
(`teach_layout`), that is saved as a statement profile of the court, and the kept file
is previewed again with it — no second upload.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import date, timedelta

from importers.base import StatementParseError
from importers.tabular import TabularImporter
from reconcile.actors import Actor
from reconcile.booking_window import BookingWindow
from reconcile.clock import local_today, utc_now
from reconcile.db import upload_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services import imports, statement_profiles
from reconcile.services.access import require

#: a statement whose last day is this far from today is worth a second look
FAR_FROM_TODAY = timedelta(days=62)


def preview_upload(
    uow: UnitOfWork,
    actor: Actor,
    data: bytes,
    settings: dict,
    *,
    filename: str | None,
    format: str | None,
    account: str | None,
) -> dict:
    """Run the import as a dry run, keep the file, and return the preview with its id."""
    require(actor, Verb.IMPORT_STATEMENT)
    config = settings["imports"]
    try:
        report = imports.import_statement(
            uow,
            actor,
            io.BytesIO(data),
            filename=filename,
            format=format,
            account=account,
            batch_size=config["batch_size"],
            dry_run=True,
            preview_limit=config["preview_lines"],
            booking_window=BookingWindow.from_settings(config),
            return_window_days=config.get("returned_payment_window_days", 30),
        )
    except imports.UnknownLayoutFile as refusal:
        layout = {
            "detail": refusal.message,
            "rows": refusal.facts.get("rows", []),
            "guess": refusal.facts.get("guess", []),
            "headerless": refusal.facts.get("headerless", False),
            "positions": refusal.facts.get("positions", {}),
        }
        preview = {"unknown_layout": layout, "filename": filename, "account": account}
    else:
        preview = {
            **_as_json(report),
            "account_chosen": bool(account),
            "warnings": warnings(report, local_today()),
            "filename": filename,
        }
    return _keep(uow, actor, data, preview, config, filename=filename, format=format,
                 account=account)  # fmt: skip


def _keep(uow, actor, data, preview, config, *, filename, format, account) -> dict:
    preview_id = secrets.token_hex(16)
    now = utc_now()
    with uow:
        upload_store.drop_expired(uow.conn, now)
        upload_store.keep(
            uow.conn,
            id=preview_id,
            owner_id=actor.id,
            file_sha256=hashlib.sha256(data).hexdigest(),
            filename=filename,
            format=format,
            account=account,
            data=data,
            preview=preview,
            created_at=now,
            expires_at=now + timedelta(minutes=config["preview_keep_minutes"]),
        )
        uow.commit()
    return {**preview, "id": preview_id}


def get_preview(uow: UnitOfWork, actor: Actor, preview_id: str) -> dict:
    """Return the actor's own kept preview, or NotFound (expired, imported, another's)."""
    require(actor, Verb.IMPORT_STATEMENT)
    with uow:
        kept = _kept(uow, actor, preview_id)
    return {**kept["preview"], "id": preview_id}


def confirm_upload(uow: UnitOfWork, actor: Actor, preview_id: str, settings: dict) -> dict:
    """Import the kept file for real (确认导入); return the import's report."""
    require(actor, Verb.IMPORT_STATEMENT)
    with uow:
        kept = _kept(uow, actor, preview_id)
    if hashlib.sha256(kept["data"]).hexdigest() != kept["file_sha256"]:
        raise NotFound("preview not found")  # altered while kept: never import it
    report = imports.import_statement(
        uow,
        actor,
        io.BytesIO(kept["data"]),
        filename=kept["filename"],
        format=kept["format"],
        account=kept["account"],
        batch_size=settings["imports"]["batch_size"],
        booking_window=BookingWindow.from_settings(settings["imports"]),
        return_window_days=settings["imports"].get("returned_payment_window_days", 30),
    )
    discard_upload(uow, actor, preview_id)
    return report


def teach_layout(
    uow: UnitOfWork,
    actor: Actor,
    preview_id: str,
    settings: dict,
    *,
    court: str,
    name: str,
    header_line: int | None,
    fields: dict[int, str],
    date_order: str | None = None,
    decimal_mark: str | None = None,
    headerless: bool = False,
) -> dict:
    """Save what the clerk said of a kept file's unknown layout as a statement profile of
    the court, and preview the kept file again with it; return the new preview. A file
    with no header row (`headerless`) is mapped by its columns' positions."""
    require(actor, Verb.DEFINE_STATEMENT_PROFILE)
    with uow:
        kept = _kept(uow, actor, preview_id)
    layout = kept["preview"].get("unknown_layout")
    if layout is None:
        raise NotFound("preview not found")
    definition = statement_profiles.definition_from_mapping(
        layout,
        header_line,
        fields,
        headerless=headerless,
        date_order=date_order,
        decimal_mark=decimal_mark,
        description=f"taught from {kept['filename'] or 'an upload'}",
    )
    _check_reads(kept["data"], name, definition)
    statement_profiles.create_profile(uow, actor, court=court, name=name, definition=definition)
    preview = preview_upload(
        uow,
        actor,
        kept["data"],
        settings,
        filename=kept["filename"],
        format=kept["format"],
        account=kept["account"],
    )
    discard_upload(uow, actor, preview_id)
    return preview


def _check_reads(data: bytes, name: str, definition: dict) -> None:
    """Refuse a mapping the file cannot be read with, before it is saved."""
    importer = TabularImporter(profile=name, saved={name: definition})
    try:
        for statement in importer.parse(io.BytesIO(data)):
            for _ in statement.lines:
                pass
    except StatementParseError as error:
        where = imports.where_said(error)
        if where:
            raise ValidationFailed(
                "the file cannot be read so: {where}: {reason}",
                where=where,
                reason=error,
                field="mapping",
            ) from None
        raise ValidationFailed(
            "the file cannot be read so: {reason}", reason=error, field="mapping"
        ) from None


def discard_upload(uow: UnitOfWork, actor: Actor, preview_id: str) -> None:
    """Forget a kept upload (取消); nothing was imported from it."""
    require(actor, Verb.IMPORT_STATEMENT)
    with uow:
        _kept(uow, actor, preview_id)
        upload_store.drop(uow.conn, preview_id)
        uow.commit()


def warnings(report: dict, today: date) -> list[dict]:
    """Return what in a preview deserves a second look before it is imported."""
    found = []
    if report["balance_check"] == "mismatch":
        found.append({"kind": "balance_break"})
    end = report["period"]["end"]
    if end and abs(date.fromisoformat(end) - today) > FAR_FROM_TODAY:
        found.append({"kind": "far_from_today", "date": end})
    if report["duplicate"]:
        found.append({"kind": "imported_before"})
    elif report["lines_total"] and report["lines_duplicate"] == report["lines_total"]:
        found.append({"kind": "all_lines_known"})
    if report["lines_total"] and not report["credits_matched"] and report["debits_flagged"]:
        found.append({"kind": "nothing_for_cases"})  # e.g. a personal card's export
    return found


def _kept(uow: UnitOfWork, actor: Actor, preview_id: str) -> dict:
    kept = upload_store.kept(uow.conn, preview_id, actor.id, utc_now())
    if kept is None:
        raise NotFound("preview not found")
    return kept


def _as_json(report: dict) -> dict:
    lines = [{**line, "booked_on": line["booked_on"].isoformat()} for line in report["lines"]]
    return {**report, "lines": lines}
