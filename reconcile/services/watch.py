"""Watching what waits too long: unidentified funds that age, payments no debit confirms.

Run with the deadline scan (`reconcile scan-deadlines`, the scheduler's daily job). Each
finding is raised once per subject, so running it again, or on several instances at
once, raises nothing twice.
"""

from __future__ import annotations

from datetime import date

from reconcile.actors import SYSTEM, Actor
from reconcile.clock import local_day
from reconcile.db import alert_store, watch_store
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.money import format_yuan
from reconcile.working_days import WorkingDayCalendar

AWAITING_DEBIT = ("approved", "marked_paid")
#: findings checked against the alerts raised before, and raised, per query
CHUNK = 1000


def scan_orphan_ageing(
    engine: Engine, settings: dict, calendar: WorkingDayCalendar, as_of: date, actor: Actor = SYSTEM
) -> int:
    """Alert each orphan that has waited a threshold of working days; return how many new."""
    thresholds = sorted(settings["orphans"]["ageing_alert_days"])
    ages: dict[date, int] = {}  # orphans share their booking days
    with UnitOfWork(engine) as uow:
        court_of = watch_store.court_codes_by_account(uow.conn)
        found = []
        for line in watch_store.open_orphans(uow.conn):
            if line.booked_on not in ages:
                ages[line.booked_on] = calendar.working_days_between(line.booked_on, as_of)
            age = ages[line.booked_on]
            reached = [t for t in thresholds if age >= t]
            if reached:
                court = court_of[line.collection_account_id]
                subject = f"transaction:{line.id}:age:{reached[-1]}"
                found.append((subject, (line, age, reached[-1], court)))
        raised = _raise_new(uow, actor, "orphan_ageing", found, _ageing_alert)
        uow.commit()
    return raised


def scan_identification(
    engine: Engine, settings: dict, calendar: WorkingDayCalendar, as_of: date, actor: Actor = SYSTEM
) -> int:
    """Alert each orphan not identified within `identification_working_days` of its booking
    (art. 22: the notice clock already runs from that day); return how many new.

    Raised once per orphan (subject `transaction:<id>`, as orphan_funds): assigning it, the
    split placing its last part, or its refund request resolves it."""
    window = settings["orphans"]["identification_working_days"]
    dues: dict[date, date | None] = {}  # orphans share their booking days
    with UnitOfWork(engine) as uow:
        court_of = watch_store.court_codes_by_account(uow.conn)
        found = []
        for line in watch_store.open_orphans(uow.conn):
            if line.booked_on not in dues:
                dues[line.booked_on] = calendar.add_working_days(line.booked_on, window).due
            due = dues[line.booked_on]
            if due is not None and as_of > due:
                court = court_of[line.collection_account_id]
                found.append((f"transaction:{line.id}", (line, due, court)))
        raised = _raise_new(uow, actor, "identification_overdue", found, _unidentified_alert)
        uow.commit()
    return raised


def _raise_new(uow, actor, kind: str, found: list[tuple], alert_of) -> int:
    """Raise the alerts (`alert_of(*finding)`) of the findings (subject, finding) not raised
    before, CHUNK at a time: one read of the alerts raised before, one insert of the new
    ones with their deliveries; each new alert audited as alert_store.raise_alert audits
    it. Once raised, a finding costs a later scan its share of one read, not an insert."""
    raised = 0
    for start in range(0, len(found), CHUNK):
        chunk = found[start : start + CHUNK]
        before = watch_store.raised_before(uow.conn, kind, [subject for subject, _ in chunk])
        rows = [alert_of(*finding) for subject, finding in chunk if subject not in before]
        new = alert_store.raise_new_alerts(uow.conn, rows)
        for alert in sorted(alert_store.alerts_by_ids(uow.conn, new).values(), key=_by_id):
            keys = ("kind", "severity", "subject", "case_id", "transaction_id")
            summary = {k: alert[k] for k in keys}
            uow.audit(
                actor, "alert.raised", "alert", alert["id"], court=alert["court"], after=summary
            )
        raised += len(new)
    return raised


def _by_id(alert: dict) -> int:
    return alert["id"]


def _unidentified_alert(line, due: date, court: str) -> dict:
    return {
        "kind": "identification_overdue",
        "court": court,
        "subject": f"transaction:{line.id}",
        "transaction_id": line.id,
        "facts": {
            "amount": format_yuan(line.amount),
            "booked_on": line.booked_on.isoformat(),
            "due": due.isoformat(),
            "reason": line.orphan_reason,
        },
    }


def _ageing_alert(line, age: int, threshold: int, court: str) -> dict:
    return {
        "kind": "orphan_ageing",
        "court": court,
        "subject": f"transaction:{line.id}:age:{threshold}",
        "transaction_id": line.id,
        "facts": {
            "amount": format_yuan(line.amount),
            "booked_on": line.booked_on.isoformat(),
            "working_days": age,
            "threshold": threshold,
            "reason": line.orphan_reason,
        },
    }


def scan_unconfirmed_payments(
    engine: Engine, settings: dict, calendar: WorkingDayCalendar, as_of: date, actor: Actor = SYSTEM
) -> int:
    """Alert approved or marked-paid disbursements that no statement debit has confirmed."""
    window = settings["payments"]["confirmation_working_days"]
    raised = 0
    with UnitOfWork(engine) as uow:
        court_of = watch_store.court_codes_by_account(uow.conn)
        for row in watch_store.disbursements_in(uow.conn, AWAITING_DEBIT):
            since = row.paid_on or local_day(row.decided_at)
            waited = calendar.working_days_between(since, as_of)
            if waited > window:
                raised += (
                    _raise_unconfirmed(
                        uow, actor, row, since, waited, court_of[row.collection_account_id]
                    )
                    is not None
                )
        uow.commit()
    return raised


def _raise_unconfirmed(uow, actor, row, since: date, waited: int, court: str) -> int | None:
    return alert_store.raise_alert(
        uow,
        actor,
        kind="payment_unconfirmed",
        court=court,
        subject=f"disbursement:{row.id}:{row.status}",
        case_id=row.case_id,
        facts={
            "disbursement_id": row.id,
            "amount": format_yuan(row.amount),
            "status": row.status,
            "since": since.isoformat(),
            "working_days": waited,
            "payee_account": row.payee_account_number,
        },
    )
