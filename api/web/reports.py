"""Daily reconciliation: bank against books per collection account and day; CSV/XLSX export."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, Response, render_template, request

from api.context import services
from api.fields import MAX_DAY, MIN_DAY
from api.web import exports
from api.web.auth import staff_required
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.clock import local_today
from reconcile.permissions import Verb
from reconcile.services import lookups, reconciliation

bp = Blueprint("reports", __name__, url_prefix="/reports")

MAX_DAYS = 31
COLUMNS = (
    "date",
    "account",
    "bank_balance",
    "cases",
    "orphans",
    "non_case",
    "books",
    "difference",
    "unexplained",
    "status",
)


@bp.get("/reconciliation")
@staff_required(Verb.READ_RECONCILIATION)
def reconciliation_page(actor: Actor):
    """Show bank against books for each account and day of the chosen period."""
    choice = _choice(actor)
    rows = _rows(actor, choice)
    return render_template("reports/reconciliation.html", rows=rows, choice=choice)


@bp.get("/reconciliation.<any(csv, xlsx):kind>")
@staff_required(Verb.READ_RECONCILIATION)
def reconciliation_export(actor: Actor, kind: str):
    """Download the same table as CSV or XLSX."""
    choice = _choice(actor)
    header = [translate(f"recon.{c}") for c in COLUMNS] + [translate("recon.explained_by")]
    table = [_export_row(r) for r in _rows(actor, choice)]
    name = f"reconciliation-{choice['until'].isoformat()}.{kind}"
    if kind == "csv":
        body, mimetype = exports.to_csv(header, table), "text/csv"
    else:
        body, mimetype = exports.to_xlsx(translate("recon.title"), header, table), exports.XLSX_TYPE
    disposition = f'attachment; filename="{name}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


def _choice(actor: Actor) -> dict:
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    numbers = [a["account_number"] for a in accounts]
    wanted = request.args.get("account", "")
    until = _day(request.args.get("date")) or local_today()
    days = min(max(_int(request.args.get("days"), 7), 1), MAX_DAYS)
    return {
        "accounts": accounts,
        "account": wanted if wanted in numbers else "",
        "numbers": [wanted] if wanted in numbers else numbers,
        "until": until,
        "days": days,
    }


def _rows(actor: Actor, choice: dict) -> list[dict]:
    """Return one report per account and day, latest day first."""
    until, uow = choice["until"], services().uow
    days = [until - timedelta(days=n) for n in range(choice["days"])]
    return [
        reconciliation.reconciliation_report(uow(read_only=True), actor, number, day)
        for day in days
        for number in choice["numbers"]
    ]


def _export_row(report: dict) -> list:
    money = {"bank_balance", "cases", "orphans", "non_case", "books", "difference", "unexplained"}
    cells = [
        Decimal(report[c]) if c in money and report[c] is not None else report[c]
        for c in COLUMNS[:-1]
    ]
    notes = "; ".join(  # the bank's reference first: it is what finance looks up
        " ".join(filter(None, (e["note"], translate(f"explain.{e['kind']}"), e["amount"])))
        for e in report["explained_by"]
    )
    listed = Counter(e["kind"] for e in report["explained_by"])
    more = "; ".join(  # the causes beyond those listed, counted and summed
        " ".join((translate(f"explain.{k['kind']}"), translate("recon.explained_more", **k)))
        for k in report["explained_by_kind"]
        if k["count"] > listed[k["kind"]]
    )
    notes = "; ".join(filter(None, (notes, more)))
    return [*cells, translate(f"recon.status.{report['status']}"), notes]


def _day(text: str | None) -> date | None:
    """The day asked for; none (today) when it is not a date or outside the API's window,
    where a week back from 0001-01-01 or a day past 9999-12-31 overflows (500)."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day is None or MIN_DAY <= day <= MAX_DAY else None


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default
