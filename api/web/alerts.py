"""Alerts (预警): filtered, sorted and paged; acknowledged or resolved one at a time or in
bulk with one note; exported as XLSX or CSV."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import listing
from api.web.auth import staff_required
from api.web.errors import back_with_error, same_site_referrer
from api.web.i18n import label, translate
from api.web.layout import alert_note, alert_summary
from reconcile.actors import Actor
from reconcile.alerts import AlertKind, Severity
from reconcile.clock import COURT_TZ, as_utc
from reconcile.errors import DomainError
from reconcile.permissions import Verb, may
from reconcile.services import alerts, lookups
from reconcile.supervision import may_resolve

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

STATUSES = ("open", "acknowledged", "resolved")
SORTS = ("severity", "oldest", "newest")
PAGE = 50
#: the tab counts stop here ("10000+"): a long history costs a bounded scan
MOST_COUNTED = 10_000


@bp.get("")
@staff_required(Verb.READ)
def index(actor: Actor):
    """List the alerts that fit the filters, a page at a time, with the count of each tab."""
    courts = _courts(actor)
    chosen = _filters(courts)
    if kind := listing.export_format():
        return _export(actor, chosen, courts, kind)
    after = _cursor(request.args.get("after", ""), chosen["order"])
    found = _page(actor, chosen, after, PAGE + 1)
    counts = alerts.count_alerts(
        services().uow(read_only=True), actor, most=MOST_COUNTED, **_counted(chosen)
    )
    shown = max(request.args.get("shown", 0, type=int), 0)
    more = _next_cursor(found[PAGE - 1], chosen["order"]) if len(found) > PAGE else None
    items = found[:PAGE]
    return render_template(
        "alerts.html",
        alerts=items,
        runs=[(s, list(rows)) for s, rows in groupby(items, key=lambda a: a["severity"])],
        status=chosen["status"],
        statuses=STATUSES,
        chosen=chosen,
        counts=counts,
        most_counted=MOST_COUNTED,
        total=counts[chosen["status"]],
        first=shown + 1,
        shown=shown,
        more=more,
        query=listing.filter_args(),
        kinds=list(AlertKind),
        severities=list(Severity),
        sorts=SORTS,
        courts=courts,
        may_act=may(actor.role, Verb.HANDLE_ALERT),
        may_resolve=lambda kind: may_resolve(actor.role, kind),
    )


@bp.post("/<int:alert_id>/acknowledge")
@staff_required(Verb.HANDLE_ALERT)
def acknowledge(actor: Actor, alert_id: int):
    """Take an open alert up, with an optional note."""
    return _move(alerts.acknowledge, actor, alert_id, "alerts.acknowledged")


@bp.post("/<int:alert_id>/resolve")
@staff_required(Verb.HANDLE_ALERT)
def resolve(actor: Actor, alert_id: int):
    """Close an alert with a note saying what was done."""
    return _move(alerts.resolve, actor, alert_id, "alerts.resolved")


@bp.post("/bulk")
@staff_required(Verb.HANDLE_ALERT)
def bulk(actor: Actor):
    """Acknowledge or resolve the ticked alerts with one note: all of them, or none."""
    back = same_site_referrer() or url_for("web.alerts.index")
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    note = request.form.get("note", "")
    resolving = request.form.get("action") == "resolve"
    use_case = alerts.resolve_many if resolving else alerts.acknowledge_many
    try:
        moved = use_case(services().uow(), actor, ids, note)
    except DomainError as refusal:
        return back_with_error(refusal, back)
    done = "alerts.bulk_resolved" if resolving else "alerts.bulk_acknowledged"
    flash(translate(done, count=moved["count"]), "success")
    return redirect(back)


def _move(use_case, actor: Actor, alert_id: int, done: str):
    try:
        use_case(services().uow(), actor, alert_id, request.form.get("note", ""))
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.alerts.index"))
    flash(translate(done, id=alert_id), "success")
    return redirect(same_site_referrer() or url_for("web.alerts.index"))


def _filters(courts: list[str]) -> dict:
    status = listing.choice_arg("status", STATUSES, "open")
    default_order = "newest" if status == "resolved" else "severity"  # history: latest first
    return {
        "status": status,
        "kind": listing.choice_arg("kind", list(AlertKind)),
        "severity": listing.choice_arg("severity", list(Severity)),
        "court": listing.choice_arg("court", courts),
        "raised_from": listing.day_arg("from"),
        "raised_to": listing.day_arg("to"),
        "order": listing.choice_arg("sort", SORTS, default_order),
    }


def _counted(chosen: dict) -> dict:
    return {k: v for k, v in chosen.items() if k not in ("status", "order")}


def _page(actor: Actor, chosen: dict, after: tuple[int | None, int], limit: int) -> list[dict]:
    settings = services().settings
    found = alerts.list_alerts(
        services().uow(read_only=True),
        actor,
        **chosen,
        after_rank=after[0],
        after_id=after[1],
        limit=limit,
    )
    return [alerts.supervised(a, settings) for a in found]


def _cursor(text: str, order: str) -> tuple[int | None, int]:
    """Read the `after` of a page link: `rank.id` in severity order, else an id."""
    rank, _, alert_id = text.rpartition(".")
    if not alert_id.isdigit() or (rank and not rank.isdigit()):
        return (None, 0)
    if order == "severity":
        return (int(rank), int(alert_id)) if rank else (None, 0)
    return (None, int(alert_id))


def _next_cursor(last: dict, order: str) -> str:
    return f"{last['rank']}.{last['id']}" if order == "severity" else str(last["id"])


def _courts(actor: Actor) -> list[str]:
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    return sorted({a["court"] for a in accounts} | set(actor.courts))


EXPORT_COLUMNS = (
    "id",
    "severity",
    "kind",
    "court",
    "case",
    "detail",
    "status",
    "raised_on",
    "raised_time",
    "owner",
    "due_at",
    "note",
)


def _export(actor: Actor, chosen: dict, courts: list[str], kind: str):
    header = [translate(f"alerts.col.{c}") for c in EXPORT_COLUMNS]
    court = listing.court_label(chosen["court"], courts, translate("list.all_courts"))
    order = chosen["order"]
    found = listing.listed(
        lambda after, limit: _page(actor, chosen, after, limit),
        here=_cursor(request.args.get("after", ""), order),
        start=(None, 0),
        after_of=lambda alert: _cursor(_next_cursor(alert, order), order),
        page=PAGE,
    )
    rows = (_export_row(a) for a in found)
    title, cut = translate("alerts.export_title"), translate("list.export_cut")
    return listing.download(kind, title, header, rows, court, cut=cut)


def _export_row(alert: dict) -> list:
    raised = as_utc(alert["raised_at"]).astimezone(COURT_TZ)
    due = alert["due_at"] and as_utc(alert["due_at"]).astimezone(COURT_TZ)
    facts = alert["facts"] or {}
    notes = filter(None, (alert_note(alert, "acknowledge_note"), alert_note(alert, "resolve_note")))
    return [
        alert["id"],
        label("severity", alert["severity"]),
        label("kind", alert["kind"]),
        alert["court"],
        facts.get("case_number") or alert["case_id"],
        alert_summary(alert),
        label("alert_status", alert["status"]),
        raised.date(),
        raised.strftime("%H:%M"),
        label("role", alert["owner"]),
        due.strftime("%Y-%m-%d %H:%M") if due else None,
        "；".join(notes),
    ]
