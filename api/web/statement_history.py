"""The import history's download and totals: every import the filters show, as rows."""

from __future__ import annotations

from datetime import date

from flask import request

from api.context import services
from api.web import exports, listing
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.clock import COURT_TZ, as_utc
from reconcile.services import statements

#: the imports a page of the history shows
PAGE = 50


def totals(items: list[dict]) -> dict:
    """Return the 合计 of a page of imports: lines, money in and out (fen), orphans."""
    keys = ("lines_total", "lines_new", "credits", "debits", "credit_lines", "orphans")
    return {k: sum(item[k] or 0 for item in items) for k in keys}


COLUMNS = (
    "id",
    "file",
    "account",
    "court",
    "start",
    "end",
    "imported_by",
    "imported_on",
    "lines_total",
    "lines_new",
    "credits",
    "debits",
    "orphans",
    "status",
)


def export(actor: Actor, filters: dict, accounts: list[dict], kind: str):
    """Answer the page of imports shown, or every import the filters show, as an XLSX or
    CSV download."""
    header = [translate(f"history.col.{c}") for c in COLUMNS]
    court = listing.court_label(
        next((a["court"] for a in accounts if a["account_number"] == filters["account"]), None),
        sorted({a["court"] for a in accounts}),
        translate("list.all_courts"),
    )
    found = listing.listed(
        lambda before, limit: statements.history_page(
            services().uow(read_only=True), actor, most=0, before_id=before, limit=limit, **filters
        )["items"],
        here=request.args.get("before", type=int) or 0,
        start=0,
        after_of=lambda item: item["id"],
        page=PAGE,
    )
    rows = (_history_row(item) for item in found)
    title, cut = translate("history.export_title"), translate("list.export_cut")
    return listing.download(kind, title, header, rows, court, cut=cut)


def _history_row(item: dict) -> list:
    period = item["period"]
    return [
        item["id"],
        item["filename"],
        item["account"],
        item["court"],
        date.fromisoformat(period["start"]) if period["start"] else None,
        date.fromisoformat(period["end"]) if period["end"] else None,
        item["imported_by"],
        as_utc(item["imported_at"]).astimezone(COURT_TZ).date(),
        item["lines_total"],
        item["lines_new"],
        exports.yuan(item["credits"]),
        exports.yuan(item["debits"]),
        item["orphans"],
        translate(f"history.status.{item['status']}"),
    ]
