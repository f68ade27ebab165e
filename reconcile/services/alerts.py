"""Alerts for staff and the complaint desk: list, acknowledge, resolve; delivery health.

Who may: every role reads the alerts of its courts. The desk, finance, the supervisor role
and admin move them: acknowledge (someone is on it; a note is optional) and resolve (a note
saying what was done is required; finance's own operations are closed by supervision).
The desk's role is otherwise read-only: this changes no money and
no case, only the alert's own lifecycle, and every move is audited. Several alerts move
at once with one note (`acknowledge_many`, `resolve_many`): all of them, or none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from reconcile.actors import Actor
from reconcile.alerts import ALERT_LIFECYCLE, AlertAction, AlertStatus
from reconcile.clock import COURT_TZ, as_utc, utc_now
from reconcile.db import alert_store, outbox
from reconcile.db.uow import UnitOfWork
from reconcile.errors import (
    N_,
    Conflict,
    DomainError,
    Forbidden,
    Message,
    NotFound,
    ValidationFailed,
)
from reconcile.permissions import Verb, roles_for
from reconcile.services.access import require
from reconcile.services.delivery import (
    DeliveryReport,
    deliver_critical,
    deliver_pending,
    requeue_dead,
)
from reconcile.services.supervision import escalation_subject
from reconcile.supervision import (
    ESCALATION_KIND,
    due_at,
    may_resolve,
    owner_role,
)

#: the most alerts one bulk acknowledge or resolve moves
MOST_AT_ONCE = 500

__all__ = [
    "DeliveryReport",
    "acknowledge",
    "acknowledge_many",
    "count_alerts",
    "deliver_critical",
    "deliver_pending",
    "delivery_health",
    "get_alert",
    "list_alerts",
    "requeue_dead",
    "resolve",
    "resolve_many",
    "supervised",
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
    severity: str | None = None,
    court: str | None = None,
    raised_from: date | None = None,
    raised_to: date | None = None,
    order: str = "oldest",
    after_rank: int | None = None,
) -> list[dict]:
    """Return a page of the alerts of the actor's courts, oldest first unless `order` says
    otherwise (alert_store.find_alerts); `raised_from`/`raised_to` are court-local days."""
    require(actor, Verb.READ)
    with uow:
        return alert_store.find_alerts(
            uow.conn,
            courts=_courts(actor, court),
            kind=kind,
            status=status,
            case_id=case_id,
            after_id=after_id,
            limit=limit,
            severity=severity,
            **_raised(raised_from, raised_to),
            order=order,
            after_rank=after_rank,
        )


def count_alerts(
    uow: UnitOfWork,
    actor: Actor,
    *,
    most: int,
    kind: str | None = None,
    severity: str | None = None,
    court: str | None = None,
    raised_from: date | None = None,
    raised_to: date | None = None,
    statuses: tuple[str, ...] = tuple(AlertStatus),
) -> dict[str, int]:
    """Count the alerts of each status (of `statuses`) that fit the filters, each up to
    `most` + 1."""
    require(actor, Verb.READ)
    with uow:
        return alert_store.count_alerts(
            uow.conn,
            courts=_courts(actor, court),
            statuses=statuses,
            most=most,
            kind=kind,
            severity=severity,
            **_raised(raised_from, raised_to),
        )


def _courts(actor: Actor, court: str | None) -> frozenset[str] | None:
    if court is None:
        return None if actor.all_courts else actor.courts
    return frozenset({court}) if actor.may_see(court) else frozenset()


def _raised(start: date | None, end: date | None) -> dict:
    """The UTC bounds of court-local days `start` to `end`, both included."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), COURT_TZ).astimezone(UTC)

    return {
        "raised_from": midnight(start) if start else None,
        "raised_before": midnight(end + timedelta(days=1)) if end and end < date.max else None,
    }


def get_alert(uow: UnitOfWork, actor: Actor, alert_id: int) -> dict:
    """Return one alert of the actor's courts."""
    require(actor, Verb.READ)
    with uow:
        return _visible_alert(uow, actor, alert_id)


def acknowledge(uow: UnitOfWork, actor: Actor, alert_id: int, note: str | None = None) -> dict:
    """Take an open alert up."""
    return _move(uow, actor, alert_id, AlertAction.ACKNOWLEDGE, note)


def resolve(uow: UnitOfWork, actor: Actor, alert_id: int, note: str) -> dict:
    """Close an alert, saying what was done. Finance may not close the critical alerts about
    its own operations (reconcile.supervision); closing an alert closes its escalation."""
    if not (note or "").strip():
        raise ValidationFailed("say what was done to resolve the alert", field="note")
    return _move(uow, actor, alert_id, AlertAction.RESOLVE, note)


def supervised(view: dict, settings: dict) -> dict:
    """Add an alert's owner (the user who took it up, else the role of its kind) and the
    time it must be resolved by (None: it never escalates)."""
    due = due_at(settings, view["kind"], view["severity"], as_utc(view["raised_at"]))
    return {
        **view,
        "owner": view["acknowledged_by"] or owner_role(settings, view["kind"]),
        "due_at": due,
        "overdue": due is not None and view["status"] != "resolved" and due <= utc_now(),
    }


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


def acknowledge_many(uow: UnitOfWork, actor: Actor, alert_ids: list[int], note: str | None) -> dict:
    """Take several open alerts up with one note: all of them, or none."""
    return _move_many(uow, actor, alert_ids, AlertAction.ACKNOWLEDGE, note)


def resolve_many(uow: UnitOfWork, actor: Actor, alert_ids: list[int], note: str) -> dict:
    """Close several alerts with one note saying what was done: all of them, or none.

    The first alert refused names itself (its id and why) and nothing is changed; each
    alert is moved and audited as `resolve` moves one.
    """
    if not (note or "").strip():
        raise ValidationFailed("say what was done to resolve the alerts", field="note")
    return _move_many(uow, actor, alert_ids, AlertAction.RESOLVE, note)


def _move_many(uow: UnitOfWork, actor: Actor, alert_ids: list[int], action, note) -> dict:
    require(actor, Verb.HANDLE_ALERT)
    if not alert_ids or len(alert_ids) > MOST_AT_ONCE:
        raise ValidationFailed("give between 1 and {most} alerts", most=MOST_AT_ONCE, field="ids")
    if len(set(alert_ids)) != len(alert_ids):
        twice = next(i for i in alert_ids if alert_ids.count(i) > 1)
        raise _alert_refused(twice, Message(N_("the alert is named twice")))
    moved = []
    with uow:
        for alert_id in sorted(alert_ids):  # in id order: two bulk moves never deadlock
            try:
                moved.append(_move_in(uow, actor, alert_id, action, note))
            except DomainError as refusal:
                raise _alert_refused(alert_id, refusal, refusal.code) from refusal
        uow.commit()
    return {"items": moved, "count": len(moved)}


def _alert_refused(
    alert_id: int, why: Message | DomainError, code: str | None = None
) -> ValidationFailed:
    return ValidationFailed(
        "alert {alert_id}: {reason}; no alert was changed",
        reason=why,
        field="ids",
        alert_id=alert_id,
        refusal=code or "validation_error",
    )


def _move(uow: UnitOfWork, actor: Actor, alert_id: int, action: AlertAction, note) -> dict:
    require(actor, Verb.HANDLE_ALERT)
    with uow:
        view = _move_in(uow, actor, alert_id, action, note)
        uow.commit()
    return view


def _move_in(uow: UnitOfWork, actor: Actor, alert_id: int, action: AlertAction, note) -> dict:
    """Move one alert inside the open unit of work, audited; return it as it is now."""
    note = (note or "").strip() or None
    alert = _visible_alert(uow, actor, alert_id)
    if action is AlertAction.RESOLVE and not may_resolve(actor.role, alert["kind"]):
        raise Forbidden(
            "an alert of kind {kind} is about finance's own operations: the "
            "supervisor or the complaint desk resolves it",
            kind=alert["kind"],
            allowed_roles=roles_for(Verb.SUPERVISE_FINANCE),
        )
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
    if after == AlertStatus.RESOLVED:
        alert_store.resolve_by_subject(
            uow,
            actor,
            kind=ESCALATION_KIND,
            subject=escalation_subject(alert_id),
            note=Message("alert {alert_id} resolved", {"alert_id": alert_id}),
        )
    return alert_store.alert_by_id(uow.conn, alert_id)


def _visible_alert(uow: UnitOfWork, actor: Actor, alert_id: int) -> dict:
    alert = alert_store.alert_by_id(uow.conn, alert_id)
    if alert is None or not actor.may_see(alert["court"]):
        raise NotFound("alert not found")
    return alert
