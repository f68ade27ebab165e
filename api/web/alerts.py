"""Alerts (预警): open ones by severity; acknowledge or resolve with a note."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import queues
from api.web.auth import staff_required
from api.web.errors import back_with_error, same_site_referrer
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError
from reconcile.permissions import Verb, may
from reconcile.services import alerts

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

STATUSES = ("open", "acknowledged", "resolved")
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@bp.get("")
@staff_required(Verb.READ)
def index(actor: Actor):
    """List the alerts of one status, most severe first, oldest first within a severity."""
    status = request.args.get("status", "open")
    if status not in STATUSES:
        status = "open"
    found = queues.every(alerts.list_alerts, actor, status=status)
    if status == "resolved":  # the history is long: the latest matter
        found = found[::-1][:200]
    found.sort(key=lambda a: SEVERITY_ORDER.get(a["severity"], 9))
    return render_template(
        "alerts.html", alerts=found, status=status, statuses=STATUSES, may_act=_may_act(actor)
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


def _move(use_case, actor: Actor, alert_id: int, done: str):
    try:
        use_case(services().uow(), actor, alert_id, request.form.get("note", ""))
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.alerts.index"))
    flash(translate(done, id=alert_id), "success")
    return redirect(same_site_referrer() or url_for("web.alerts.index"))


def _may_act(actor: Actor) -> bool:
    return may(actor.role, Verb.HANDLE_ALERT)
