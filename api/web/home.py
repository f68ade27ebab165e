"""Today's work: what is waiting for the signed-in user, at a glance."""

from __future__ import annotations

from flask import Blueprint, render_template

from api.context import services
from api.web import queues
from api.web.auth import staff_required
from reconcile.actors import Actor
from reconcile.alerts import Severity
from reconcile.permissions import Verb, may
from reconcile.services import alerts, approval_queue, disbursement_lists, lookups

bp = Blueprint("home", __name__)

DEADLINE_KINDS = ("notice_due_soon", "notice_overdue", "payment_overdue", "payment_unconfirmed")


@bp.get("/")
@staff_required(Verb.READ)
def index(actor: Actor):
    """Show counts of orphans, approvals waiting, open alerts, deadlines, the last imports."""
    uow = services().uow
    return render_template(
        "home.html",
        orphans=queues.orphan_totals(actor)["count"],
        approvals=_waiting_count(actor) if may(actor.role, Verb.APPROVE) else None,
        severities={
            severity: alerts.count_alerts(
                uow(read_only=True), actor, most=queues.MOST, severity=severity, statuses=OPEN
            )["open"]
            for severity in Severity
        },
        deadlines=_deadlines(actor),
        imports=lookups.recent_imports(uow(read_only=True), actor, limit=6),
    )


OPEN = ("open",)
#: the deadline alerts the page lists, the oldest first
DEADLINES_SHOWN = 8


def _waiting_count(actor: Actor) -> int:
    """How many requests wait at a level the actor's position decides (审批's 合计)."""
    waiting = disbursement_lists.filters(actor, statuses=("requested",))
    return approval_queue.waiting_totals(services().uow(read_only=True), actor, waiting)["count"]


def _deadlines(actor: Actor) -> list[dict]:
    """The oldest open deadline alerts: the first few of each kind, merged."""
    found = [
        alert
        for kind in DEADLINE_KINDS
        for alert in alerts.list_alerts(
            services().uow(read_only=True), actor, kind=kind, status="open", limit=DEADLINES_SHOWN
        )
    ]
    return sorted(found, key=lambda a: a["id"])[:DEADLINES_SHOWN]
