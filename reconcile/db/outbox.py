"""The delivery outbox: queue rows, claim them under a lease, record what happened.

Claiming is a short transaction of its own: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets
several deliverers take disjoint rows at once; on SQLite the write lock taken at BEGIN
serialises them. A claim sets a lease; outcomes are recorded only by the holder of the
lease (its token), so a deliverer that outlived its lease cannot overwrite a newer one.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, and_, case, func, insert, literal, or_, select, update

from reconcile.clock import as_utc
from reconcile.db.tables_alerts import alerts, case_events, deliveries
from reconcile.webhooks import DELIVERY_LIFECYCLE, DeliveryAction, DeliveryStatus

d = deliveries.c


#: what a delivery may carry: its source table and the column naming the row
_SUBJECTS = {"alert": (alerts, "alert_id"), "case_event": (case_events, "case_event_id")}


def queue(conn: Connection, topic: str, ids: list[int], now: datetime, chunk: int = 1000) -> None:
    """Queue a delivery, due now, for each of these alerts or case events (set by set)."""
    table, column = _SUBJECTS[topic]
    columns = ["topic", "court", column, "status", "attempts", "created_at", "next_attempt_at"]
    for start in range(0, len(ids), chunk):
        source = select(
            literal(topic), table.c.court, table.c.id, literal(PENDING), literal(0),
            literal(now, d.created_at.type), literal(now, d.next_attempt_at.type),
        ).where(table.c.id.in_(ids[start : start + chunk]))  # fmt: skip
        conn.execute(insert(deliveries).from_select(columns, source))


PENDING = DeliveryStatus.PENDING.value


def claim(
    conn: Connection, *, topics: list[str], now: datetime, lease_until: datetime, limit: int
) -> list[dict]:
    """Lease up to `limit` due deliveries of `topics` to the caller; return them, oldest first."""
    due = and_(
        d.status == DeliveryStatus.PENDING,
        d.topic.in_(topics),
        d.next_attempt_at <= now,
        or_(d.leased_until.is_(None), d.leased_until <= now),
    )
    pick = select(d.id).where(due).order_by(d.id).limit(limit).with_for_update(skip_locked=True)
    ids = conn.execute(pick).scalars().all()
    if not ids:
        return []
    token = uuid.uuid4().hex
    conn.execute(
        update(deliveries)
        .where(d.id.in_(ids), due)  # `due` again: never take a row another claimer has
        .values(
            leased_until=lease_until,
            lease_token=token,
            attempts=d.attempts + 1,
            first_attempt_at=func.coalesce(d.first_attempt_at, now),
            last_attempt_at=now,
        )
    )
    mine = select(deliveries).where(d.id.in_(ids), d.lease_token == token).order_by(d.id)
    rows = conn.execute(mine).all()
    return [_with_utc_times(dict(row._mapping)) for row in rows]


def events_by_ids(conn: Connection, ids: list[int]) -> dict[int, dict]:
    """Return the case events with these ids, by id."""
    rows = conn.execute(select(case_events).where(case_events.c.id.in_(ids))).all()
    return {row.id: dict(row._mapping) for row in rows}


def _leased(delivery: dict):
    return and_(d.id == delivery["id"], d.lease_token == delivery["lease_token"])


def mark_delivered(conn: Connection, delivery: dict, *, now: datetime, http_status: int) -> bool:
    """Record a 2xx; False if the lease had passed to another deliverer."""
    return _finish(
        conn,
        delivery,
        action=DeliveryAction.DELIVER,
        delivered_at=now,
        last_status=http_status,
        last_error=None,
    )


def mark_failed(
    conn: Connection, delivery: dict, *, retry_at: datetime, http_status: int | None, error: str
) -> bool:
    """Record a failed attempt and when to try again."""
    return _finish(
        conn,
        delivery,
        action=DeliveryAction.RETRY,
        next_attempt_at=retry_at,
        last_status=http_status,
        last_error=error[:500],
    )


def mark_dead(conn: Connection, delivery: dict, *, http_status: int | None, error: str) -> bool:
    """Give the delivery up (dead letter)."""
    return _finish(
        conn, delivery, action=DeliveryAction.KILL, last_status=http_status, last_error=error[:500]
    )


def mark_discarded(conn: Connection, delivery: dict) -> bool:
    """Drop a case event nobody subscribes to."""
    return _finish(
        conn, delivery, action=DeliveryAction.DISCARD, last_error="no subscriber for the court"
    )


def release(conn: Connection, delivery: dict) -> bool:
    """Hand a claimed but unattempted delivery back, as if never claimed."""
    return _finish(conn, delivery, action=DeliveryAction.RETRY, attempts=d.attempts - 1)


def _finish(conn: Connection, delivery: dict, action: DeliveryAction, **values) -> bool:
    """End a leased attempt by `action`; a lease is only ever held on a pending delivery."""
    status = DELIVERY_LIFECYCLE.after(DeliveryStatus.PENDING, action)
    result = conn.execute(
        update(deliveries)
        .where(_leased(delivery), d.status == DeliveryStatus.PENDING)
        .values(leased_until=None, lease_token=None, status=status, **values)
    )
    return result.rowcount == 1


def requeue_dead(conn: Connection, *, now: datetime) -> int:
    """Make every dead delivery pending again with a fresh retry window; return how many."""
    result = conn.execute(
        update(deliveries)
        .where(d.status == DeliveryStatus.DEAD)
        .values(
            status=DELIVERY_LIFECYCLE.after(DeliveryStatus.DEAD, DeliveryAction.REQUEUE),
            next_attempt_at=now,
            first_attempt_at=None,
            attempts=0,
        )
    )
    return result.rowcount


def counts(conn: Connection) -> list[dict]:
    """Return the number of deliveries per topic and status, with the oldest pending one."""
    rows = conn.execute(
        select(
            d.topic,
            d.status,
            func.count().label("count"),
            func.sum(case((d.attempts > 0, 1), else_=0)).label("retried"),
            func.min(d.created_at).label("oldest"),
        ).group_by(d.topic, d.status)
    ).all()
    return [dict(row._mapping) for row in rows]


def _with_utc_times(row: dict) -> dict:
    for key in ("first_attempt_at", "created_at", "next_attempt_at", "leased_until"):
        if row[key] is not None:
            row[key] = as_utc(row[key])
    return row
