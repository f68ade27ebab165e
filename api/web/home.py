"""Today's work: what is waiting for the signed-in user, at a glance."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template

from api.context import services
from api.web import queues
from api.web.auth import staff_required
from reconcile.actors import Actor
from reconcile.permissions import Verb, may
from reconcile.services import alerts, lookups

bp = Blueprint("home", __name__)

DEADLINE_KINDS = ("notice_due_soon", "notice_overdue", "payment_overdue", "payment_unconfirmed")


@bp.get("/")
@staff_required(Verb.READ)
def index(actor: Actor):
    """Show counts of orphans, approvals waiting, open alerts, deadlines, the last imports."""
    open_alerts = queues.every(alerts.list_alerts, actor, status="open")
    return render_template(
        "home.html",
        orphans=queues.orphan_totals(actor)["count"],
        approvals=len(queues.waiting_for(actor)) if may(actor.role, Verb.APPROVE) else None,
        severities=Counter(a["severity"] for a in open_alerts),
        deadlines=[a for a in open_alerts if a["kind"] in DEADLINE_KINDS][:8],
        imports=lookups.recent_imports(services().uow(read_only=True), actor, limit=6),
    )
