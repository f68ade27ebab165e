"""The monthly execution ↔ finance check page (执财核对), with CSV/XLSX export."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from api.context import services
from api.web import exports
from api.web.auth import staff_required
from api.web.i18n import label, translate
from reconcile.actors import Actor
from reconcile.clock import local_iso, local_today
from reconcile.errors import ValidationFailed
from reconcile.permissions import Verb
from reconcile.services import execution_checks

bp = Blueprint("checks", __name__)

PAGE = "/reports/execution-finance-check"

SECTIONS = ("money_without_request", "requests_unpaid", "payments_unconfirmed")


@bp.get(PAGE)
@staff_required(Verb.READ)
def check_page(actor: Actor):
    """Show the month's check of one of the user's courts."""
    choice = _choice(actor)
    report, refusal = _report(actor, choice)
    status = 422 if refusal else 200
    return render_template(
        "reports/execution_check.html", report=report, choice=choice, refusal=refusal
    ), status


@bp.get(PAGE + ".<any(csv, xlsx):kind>")
@staff_required(Verb.READ)
def check_export(actor: Actor, kind: str):
    """Download the three sections as one table (a column names the section)."""
    choice = _choice(actor)
    report = execution_checks.check_report(
        services().uow(read_only=True), actor, choice["court"], choice["month"]
    )
    header = [translate(f"checks.col.{c}") for c in _COLUMNS]
    table = [
        _export_row(section, item) for section in SECTIONS for item in report[section]["items"]
    ]
    name = f"{translate('checks.file_name', court=choice['court'], month=choice['month'])}.{kind}"
    if kind == "csv":
        body, mimetype = exports.to_csv(header, table), "text/csv"
    else:
        body = exports.to_xlsx(translate("checks.title"), header, table)
        mimetype = exports.XLSX_TYPE
    return Response(body, mimetype=mimetype, headers=exports.attachment(name))


_COLUMNS = ("section", "case_number", "amount", "status", "requested_at", "paid_on")


def _export_row(section: str, item: dict) -> list:
    money = item.get("available", item.get("amount"))
    return [
        translate(f"checks.{section}"),
        item["case_number"],
        exports.yuan(money),
        label("audit_status", item["status"]) if "status" in item else "",
        local_iso(item.get("requested_at")) or "",
        item.get("paid_on"),
    ]


def _choice(actor: Actor) -> dict:
    courts = sorted(actor.courts)
    court = request.args.get("court") or (courts[0] if courts else "")
    month = request.args.get("month") or local_today().strftime("%Y-%m")
    return {"court": court, "month": month, "courts": courts}


def _report(actor: Actor, choice: dict) -> tuple[dict | None, str | None]:
    try:
        report = execution_checks.check_report(
            services().uow(read_only=True), actor, choice["court"], choice["month"]
        )
    except ValidationFailed:
        return None, translate("checks.bad_month", month=choice["month"])
    return report, None
