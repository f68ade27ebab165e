"""Watching what waits too long: unidentified funds that age, payments no debit confirms.

Run with the deadline scan (`reconcile scan-deadlines`, the scheduler's daily job). Each
finding is raised once per subject, so running it again, or on several instances at
once, raises nothing twice. The reads leave out what was alerted already (in the
database: watch_store), and the orphans are read by the booking days that reached a
threshold, so a scan with nothing new reads no row; the new findings are raised in bulk,
a chunk at a time, each chunk audited once per court as the deadline scan's batches are.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from reconcile.actors import SYSTEM, Actor
from reconcile.clock import local_day
from reconcile.db import alert_store, watch_store
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.money import format_yuan
from reconcile.working_days import WorkingDayCalendar

AWAITING_DEBIT = ("approved", "marked_paid")
#: findings raised per insert (and named per audit record)
CHUNK = 1000


def scan_orphan_ageing(
    engine: Engine, settings: dict, calendar: WorkingDayCalendar, as_of: date, actor: Actor = SYSTEM
) -> int:
    """Alert each orphan that has waited a threshold of working days; return how many new.

    An orphan's alert is of the highest threshold it reached: the booking days that reached
    a threshold (and no higher one) are a range, read with the orphans not alerted at it."""
    thresholds = sorted(settings["orphans"]["ageing_alert_days"])
    with UnitOfWork(engine) as uow:
        band: dict[date, int] = {}  # booking day -> the highest threshold its orphans reached
        for day in watch_store.orphan_booking_days(uow.conn):
            age = calendar.working_days_between(day, as_of)
            reached = [t for t in thresholds if age >= t]
            if reached:
                band[day] = reached[-1]
        court_of = watch_store.court_codes_by_account(uow.conn)
        rows = []
        for threshold in thresholds:
            days = [day for day, t in band.items() if t == threshold]
            if not days:
                continue
            lines = watch_store.orphans_not_alerted(
                uow.conn, "orphan_ageing", min(days), max(days), f":age:{threshold}"
            )
            for line in lines:
                if band.get(line.booked_on) == threshold:
                    age = calendar.working_days_between(line.booked_on, as_of)
                    court = court_of[line.collection_account_id]
                    rows.append(_ageing_alert(line, age, threshold, court))
        raised = _raise_new(uow, actor, "orphan_ageing", as_of, rows)
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
    with UnitOfWork(engine) as uow:
        dues: dict[date, date] = {}  # the booking days past their due day, and that day
        for day in watch_store.orphan_booking_days(uow.conn):
            due = calendar.add_working_days(day, window).due
            if due is not None and as_of > due:
                dues[day] = due
        rows = []
        if dues:
            court_of = watch_store.court_codes_by_account(uow.conn)
            lines = watch_store.orphans_not_alerted(
                uow.conn, "identification_overdue", None, max(dues)
            )
            for line in lines:
                if line.booked_on in dues:
                    court = court_of[line.collection_account_id]
                    rows.append(_unidentified_alert(line, dues[line.booked_on], court))
        raised = _raise_new(uow, actor, "identification_overdue", as_of, rows)
        uow.commit()
    return raised


def _raise_new(uow, actor, kind: str, as_of: date, rows: list[dict]) -> int:
    """Raise the alerts `rows` with their deliveries, CHUNK of a court's at a time: one
    insert (a finding another scan raised meanwhile is left to it: the alerts' unique key)
    and one audit record naming the alerts it raised, as the deadline scan's batches do."""
    by_court: defaultdict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_court[row["court"]].append(row)
    raised = 0
    for court, court_rows in sorted(by_court.items()):
        for start in range(0, len(court_rows), CHUNK):
            ids = alert_store.raise_new_alerts(uow.conn, court_rows[start : start + CHUNK])
            if ids:
                after = {"as_of": as_of, kind: len(ids), "alert_ids": sorted(ids)}
                uow.audit(actor, "watch.scanned", "watch", kind, court=court, after=after)
            raised += len(ids)
    return raised


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
    kind = "payment_unconfirmed"
    with UnitOfWork(engine) as uow:
        court_of = watch_store.court_codes_by_account(uow.conn)
        rows = []
        for row in watch_store.disbursements_not_alerted(uow.conn, AWAITING_DEBIT, kind):
            since = row.paid_on or local_day(row.decided_at)
            waited = calendar.working_days_between(since, as_of)
            if waited > window:
                rows.append(
                    _unconfirmed_alert(row, since, waited, court_of[row.collection_account_id])
                )
        raised = _raise_new(uow, actor, kind, as_of, rows)
        uow.commit()
    return raised


def _unconfirmed_alert(row, since: date, waited: int, court: str) -> dict:
    return {
        "kind": "payment_unconfirmed",
        "court": court,
        "subject": f"disbursement:{row.id}:{row.status}",
        "case_id": row.case_id,
        "facts": {
            "disbursement_id": row.id,
            "amount": format_yuan(row.amount),
            "status": row.status,
            "since": since.isoformat(),
            "working_days": waited,
            "payee_account": row.payee_account_number,
        },
    }
