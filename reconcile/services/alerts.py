"""Alerts for staff and the complaint desk: list, acknowledge, resolve; delivery health.

Who may: every role reads the alerts of its courts. The desk, finance and admin move
them: acknowledge (someone is on it; a note is optional) and resolve (a note saying what
was done is required). The desk's role is otherwise read-only: this changes no money and
no case, only the alert's own lifecycle, and every move is audited.
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.alerts import ALERT_LIFECYCLE, AlertAction
from reconcile.clock import as_utc
from reconcile.db import alert_store, outbox
from reconcile.db.uow import UnitOfWork
from reconcile.errors import Conflict, NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.delivery import (
    DeliveryReport,
    deliver_critical,
    deliver_pending,
    requeue_dead,
)

__all__ = [
    "DeliveryReport",
    "acknowledge",
    "deliver_critical",
    "deliver_pending",
    "delivery_health",
    "get_alert",
    "list_alerts",
    "requeue_dead",
    "resolve",
]


def list_alerts(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    case_id: int | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[dict]:
    """Return a page of the alerts of the actor's courts, oldest first."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        return alert_store.find_alerts(
            uow.conn,
            courts=courts,
            kind=kind,
            status=status,
            case_id=case_id,
            after_id=after_id,
            limit=limit,
        )


def get_alert(uow: UnitOfWork, actor: Actor, alert_id: int) -> dict:
    """Return one alert of the actor's courts."""
    require(actor, Verb.READ)
    with uow:
        return _visible_alert(uow, actor, alert_id)


def acknowledge(uow: UnitOfWork, actor: Actor, alert_id: int, note: str | None = None) -> dict:
    """Take an open alert up."""
    return _move(uow, actor, alert_id, AlertAction.ACKNOWLEDGE, note)


def resolve(uow: UnitOfWork, actor: Actor, alert_id: int, note: str) -> dict:
    """Close an alert, saying what was done."""
    if not (note or "").strip():
        raise ValidationFailed("say what was done to resolve the alert", field="note")
    return _move(uow, actor, alert_id, AlertAction.RESOLVE, note)


def delivery_health(uow: UnitOfWork, actor: Actor | None = None) -> dict:
    """Return delivery counts: pending, retrying, dead letters; `status` is ok or dead_letters."""
    if actor is not None:
        require(actor, Verb.READ)
    with uow:
        rows = outbox.counts(uow.conn)
    totals = {s: 0 for s in ("pending", "retrying", "delivered", "dead", "discarded")}
    by_topic: dict[str, dict[str, int]] = {}
    oldest = None
    for row in rows:
        totals[row["status"]] += row["count"]
        by_topic.setdefault(row["topic"], {})[row["status"]] = row["count"]
        if row["status"] == "pending":
            totals["retrying"] += row["retried"] or 0
            oldest = min(filter(None, (oldest, as_utc(row["oldest"]))))
    status = "dead_letters" if totals["dead"] else "ok"
    return {"status": status, **totals, "oldest_pending_at": oldest, "by_topic": by_topic}


def _move(uow: UnitOfWork, actor: Actor, alert_id: int, action: AlertAction, note) -> dict:
    require(actor, Verb.HANDLE_ALERT)
    note = (note or "").strip() or None
    with uow:
        alert = _visible_alert(uow, actor, alert_id)
        after = ALERT_LIFECYCLE.after(alert["status"], action)
        moved = alert_store.set_status(
            uow.conn, alert_id, alert["status"], after, by=actor.name, note=note
        )
        if not moved:
            raise Conflict("the alert was changed meanwhile; read it again")
        uow.audit(
            actor,
            f"alert.{after}",
            "alert",
            alert_id,
            court=alert["court"],
            before={"status": alert["status"]},
            after={"status": after, "note": note},
        )
        view = alert_store.alert_by_id(uow.conn, alert_id)
        uow.commit()
    return view


def _visible_alert(uow: UnitOfWork, actor: Actor, alert_id: int) -> dict:
    alert = alert_store.alert_by_id(uow.conn, alert_id)
    if alert is None or not actor.may_see(alert["court"]):
        raise NotFound("alert not found")
    return alert
