"""Supervision (art. 8): alerts left unresolved past their due time are escalated to the
court's supervisors and the desk, and a collection account whose statements stopped
coming raises `statement_missing`.

Run with the deadline scan. Each finding is raised once per subject, so running it again,
or on several instances at once, raises nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from reconcile.actors import SYSTEM, Actor
from reconcile.clock import as_utc, local_day
from reconcile.db import alert_store, supervision_store
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.errors import Message
from reconcile.supervision import ESCALATION_KIND, due_at, owner_role
from reconcile.working_days import WorkingDayCalendar

STATEMENT_MISSING = "statement_missing"


def escalation_subject(alert_id: int) -> str:
    return f"alert:{alert_id}:escalated"


def escalate_overdue(engine: Engine, settings: dict, now: datetime, actor: Actor = SYSTEM) -> int:
    """Raise an `alert_escalated` for each alert unresolved past its due time; return how
    many are new."""
    shortest = min((h for h in _due_hours(settings) if h > 0), default=0)
    if not shortest:
        return 0
    with UnitOfWork(engine) as uow:
        late = [
            row
            for row in supervision_store.unresolved_raised_before(
                uow.conn, now - timedelta(hours=shortest), besides=ESCALATION_KIND
            )
            if (due := due_at(settings, row.kind, row.severity, as_utc(row.raised_at)))
            and due <= now
        ]
        done = supervision_store.escalated_ids(
            uow.conn, ESCALATION_KIND, [escalation_subject(r.id) for r in late]
        )
        rows = [
            _escalation(settings, row) for row in late if escalation_subject(row.id) not in done
        ]
        new = alert_store.raise_new_alerts(uow.conn, rows)
        if new:
            uow.audit(actor, "alert.escalated", "alert", None, after={"escalations": new})
        uow.commit()
    return len(new)


def _due_hours(settings: dict) -> list[int]:
    rules = settings["supervision"]
    return [*rules["due_hours"].values(), *rules["due_hours_by_kind"].values()]


def _escalation(settings: dict, row) -> dict:
    raised_at = as_utc(row.raised_at)
    due = due_at(settings, row.kind, row.severity, raised_at)
    owner = row.acknowledged_by or owner_role(settings, row.kind)
    facts = row.facts or {}
    return {
        "kind": ESCALATION_KIND,
        "court": row.court,
        "subject": escalation_subject(row.id),
        "case_id": row.case_id,
        "facts": {
            "alert_id": row.id,
            "alert_kind": row.kind,
            "alert_severity": row.severity,
            "owner": owner,
            "raised_at": raised_at.isoformat(),
            "due_at": due.isoformat(),
            "case_number": facts.get("case_number"),
            "supervisor_role": settings["supervision"]["supervisor_role"],
        },
    }


def scan_statement_silence(
    engine: Engine, settings: dict, calendar: WorkingDayCalendar, as_of: date, actor: Actor = SYSTEM
) -> int:
    """Raise `statement_missing` for each account silent for the configured working days,
    and resolve those whose statements came since; return how many are new."""
    allowed = settings["supervision"]["statement_missing_working_days"]
    if allowed <= 0:
        return 0
    raised = 0
    with UnitOfWork(engine) as uow:
        silent = {}
        for account in supervision_store.last_statement_days(uow.conn):
            since = account.last_day or local_day(account.created_at)
            waited = calendar.working_days_between(since, as_of)
            if waited > allowed:
                silent[f"account:{account.id}:since:{since.isoformat()}"] = (account, since, waited)
        for open_alert in supervision_store.unresolved_of_kind(uow.conn, STATEMENT_MISSING):
            if open_alert.subject not in silent:
                alert_store.resolve_by_subject(
                    uow,
                    actor,
                    kind=STATEMENT_MISSING,
                    subject=open_alert.subject,
                    note=Message("a statement covering a later day was imported"),
                )
        for subject, (account, since, waited) in silent.items():
            raised += _raise_missing(uow, actor, subject, account, since, waited) is not None
        uow.commit()
    return raised


def _raise_missing(uow, actor, subject: str, account, since: date, waited: int) -> int | None:
    return alert_store.raise_alert(
        uow,
        actor,
        kind=STATEMENT_MISSING,
        court=account.court,
        subject=subject,
        facts={
            "account": account.account_number,
            "last_day": since.isoformat(),
            "working_days": waited,
        },
    )
