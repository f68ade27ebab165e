"""The delivery pass: alerts to the complaint desk, case events to the courts' subscribers.

At least once: a row is claimed under a lease in one short transaction, POSTed with no
transaction open, and its outcome recorded in another. If the process dies in between,
the lease runs out and a later pass sends it again; the receiver de-duplicates on `id`.
Safe to run in several processes at once (see reconcile/db/outbox.py).

A pass takes the most urgent first: criticals, then warnings and case events, then info,
oldest first within each. A pass already sending a batch of warnings to a slow desk
would still hold a new critical back until it ends, so `deliver_critical` is a pass of
its own that takes only criticals; the scheduler runs it every [delivery]
critical_interval_seconds, beside the full pass.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reconcile import webhooks
from reconcile.actors import SYSTEM
from reconcile.alerts import AlertKind
from reconcile.case_events import subscriber_for
from reconcile.clock import as_utc, local_iso, utc_now
from reconcile.db import alert_store, checkpoint_store, outbox
from reconcile.db.handles import Connection, Engine
from reconcile.db.uow import UnitOfWork
from reconcile.settings import SettingsError

log = logging.getLogger(__name__)

#: (url, body, headers, timeout seconds) -> HTTP status; raises OSError when unreachable
HttpPost = Callable[[str, bytes, dict[str, str], float], int]


@dataclass
class DeliveryReport:
    """What one pass did."""

    claimed: int = 0
    delivered: int = 0
    failed: int = 0  #: will be retried
    dead: int = 0  #: given up (dead letter)
    discarded: int = 0  #: case events of a court without a subscriber
    released: int = 0  #: claimed but left for the next pass (the lease was running out)


@dataclass(frozen=True)
class Target:
    url: str
    secrets: list[str]


@dataclass(frozen=True)
class Policy:
    batch_size: int
    lease: timedelta
    timeout: float
    retry_base: float
    retry_max: float
    dead_after: timedelta

    @classmethod
    def from_settings(cls, settings: dict) -> Policy:
        s = settings["delivery"]
        return cls(
            batch_size=s["batch_size"],
            lease=timedelta(seconds=s["lease_seconds"]),
            timeout=float(s["timeout_seconds"]),
            retry_base=float(s["retry_base_seconds"]),
            retry_max=float(s["retry_max_seconds"]),
            dead_after=timedelta(hours=s["dead_letter_after_hours"]),
        )


@dataclass
class Outgoing:
    delivery: dict
    target: Target | None
    body: bytes
    kind: str | None = None  #: the alert's kind, for alerts
    case_id: int | None = None


def deliver_pending(
    engine: Engine,
    settings: dict,
    *,
    now: datetime | None = None,
    http_post: HttpPost | None = None,
    limit: int | None = None,
    critical_only: bool = False,
) -> DeliveryReport:
    """Send the due deliveries once, most urgent first; `now` (default: the clock) decides
    what is due."""
    now = as_utc(now or utc_now())
    policy = Policy.from_settings(settings)
    report = DeliveryReport()
    priorities = (outbox.CRITICAL,) if critical_only else outbox.PRIORITIES
    batch = _claim(engine, settings, policy, now, limit or policy.batch_size, priorities, report)
    started = time.monotonic()
    for item in batch:
        elapsed = timedelta(seconds=time.monotonic() - started)
        if elapsed.total_seconds() + policy.timeout >= policy.lease.total_seconds():
            report.released += _in_transaction(engine, outbox.release, item.delivery)
            continue
        status, error = _attempt(item, http_post or webhooks.post, policy.timeout)
        _record(engine, item, status, error, now + elapsed, policy, report)
    return report


def deliver_critical(
    engine: Engine,
    settings: dict,
    *,
    now: datetime | None = None,
    http_post: HttpPost | None = None,
) -> DeliveryReport:
    """Send the due critical alerts once, whatever else is pending or in flight."""
    return deliver_pending(engine, settings, now=now, http_post=http_post, critical_only=True)


def requeue_dead(engine: Engine) -> int:
    """Give every dead delivery a fresh retry window; return how many."""
    with UnitOfWork(engine) as uow:
        count = outbox.requeue_dead(uow.conn, now=utc_now())
        uow.audit(SYSTEM, "delivery.requeued", "delivery", None, after={"count": count})
        uow.commit()
    return count


def _claim(
    engine: Engine,
    settings: dict,
    policy: Policy,
    now: datetime,
    limit: int,
    priorities: tuple[int, ...],
    report: DeliveryReport,
) -> list[Outgoing]:
    desk = _desk_target(settings)
    topics = ["case_event"] + (["alert", "checkpoint"] if desk else [])
    with UnitOfWork(engine) as uow:
        rows = outbox.claim(
            uow.conn,
            topics=topics,
            now=now,
            lease_until=now + policy.lease,
            limit=limit,
            priorities=priorities,
        )
        batch = _render(uow.conn, rows, desk, settings)
        for item in (i for i in batch if i.target is None):
            report.discarded += outbox.mark_discarded(uow.conn, item.delivery)
        uow.commit()
    report.claimed = len(rows)
    return [item for item in batch if item.target is not None]


def _render(conn: Connection, rows: list[dict], desk: Target | None, settings) -> list[Outgoing]:
    alert_rows = alert_store.alerts_by_ids(conn, [r["alert_id"] for r in rows if r["alert_id"]])
    event_rows = outbox.events_by_ids(
        conn, [r["case_event_id"] for r in rows if r["case_event_id"]]
    )
    checkpoints = checkpoint_store.documents_by_numbers(
        conn, [r["checkpoint_number"] for r in rows if r["checkpoint_number"]]
    )
    batch = []
    for row in rows:
        if row["topic"] == "checkpoint":
            batch.append(Outgoing(row, desk, _json(checkpoints[row["checkpoint_number"]])))
        elif row["topic"] == "alert":
            alert = alert_rows[row["alert_id"]]
            body = alert_document(alert)
            batch.append(Outgoing(row, desk, _json(body), alert["kind"], alert["case_id"]))
        else:
            event = event_rows[row["case_event_id"]]
            target = _event_target(settings, row["court"])
            body = _json(event_document(event))
            batch.append(Outgoing(row, target, body, None, event["case_id"]))
    return batch


def alert_document(alert: dict) -> dict:
    """Return the webhook body of an alert: the alert as GET /alerts shows it in English
    (the desk says it in Chinese from `kind` and `facts`, or reads GET /alerts/{id})."""
    return {k: v for k, v in alert.items() if k != "delivery" and not k.endswith("_note_said")}


def event_document(event: dict) -> dict:
    """Return the webhook body of a case event."""
    return {k: event[k] for k in ("id", "event", "court", "case_id", "occurred_at", "facts")}


def _json(document: dict) -> bytes:
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_plain
    ).encode("utf-8")


def _plain(value):
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _attempt(item: Outgoing, http_post: HttpPost, timeout: float) -> tuple[int | None, str | None]:
    topic = item.delivery["topic"]
    headers = webhooks.signed_headers(
        item.target.secrets[0], item.body, topic=topic, timestamp=int(time.time())
    )
    try:
        status = http_post(item.target.url, item.body, headers, timeout)
    except (OSError, http.client.HTTPException, ValueError) as e:
        return None, f"{type(e).__name__}: {e}"
    return status, None if 200 <= status < 300 else f"HTTP {status}"


def _record(engine, item, status, error, at: datetime, policy: Policy, report) -> None:
    delivery = item.delivery
    with UnitOfWork(engine) as uow:
        if error is None:
            done = outbox.mark_delivered(uow.conn, delivery, now=at, http_status=status)
            report.delivered += done
        elif at - delivery["first_attempt_at"] >= policy.dead_after:
            if outbox.mark_dead(uow.conn, delivery, http_status=status, error=error):
                report.dead += 1
                _raise_dead_letter(uow, item, error)
        else:
            delay = webhooks.retry_delay(
                delivery["attempts"], base_seconds=policy.retry_base, max_seconds=policy.retry_max
            )
            retry_at = at + delay
            report.failed += outbox.mark_failed(
                uow.conn, delivery, retry_at=retry_at, http_status=status, error=error
            )
            log.warning("delivery %s failed (%s); retry at %s", delivery["id"], error, retry_at)
        uow.commit()


def _raise_dead_letter(uow: UnitOfWork, item: Outgoing, error: str) -> None:
    delivery = item.delivery
    log.error(
        "delivery %s given up after %s attempts: %s", delivery["id"], delivery["attempts"], error
    )
    uow.audit(SYSTEM, "delivery.dead_lettered", "delivery", delivery["id"], court=delivery["court"])
    if item.kind == AlertKind.DELIVERY_DEAD_LETTER:
        return  # the desk is told once; a dead letter about a dead letter would only loop
    alert_store.raise_alert(
        uow,
        SYSTEM,
        kind=AlertKind.DELIVERY_DEAD_LETTER,
        court=delivery["court"],
        subject=f"delivery:{delivery['id']}",
        case_id=item.case_id,
        facts={
            "delivery_id": delivery["id"],
            "topic": delivery["topic"],
            "alert_id": delivery["alert_id"],
            "case_event_id": delivery["case_event_id"],
            "attempts": delivery["attempts"],
            "first_attempt_at": local_iso(delivery["first_attempt_at"]),
            "last_error": error,
        },
    )


def _in_transaction(engine: Engine, step, delivery: dict) -> bool:
    with UnitOfWork(engine) as uow:
        done = step(uow.conn, delivery)
        uow.commit()
    return done


def _desk_target(settings: dict) -> Target | None:
    desk = settings["desk"]
    return _target(desk["webhook_url"], desk["webhook_secret"], "desk.webhook_secret")


def _event_target(settings: dict, court: str) -> Target | None:
    subscription = subscriber_for(settings["events"]["subscribers"], court)
    if subscription is None:
        return None
    secret = subscription.get("secret") or settings["events"]["webhook_secret"]
    return _target(subscription["url"], secret, "events.webhook_secret")


def _target(url: str, secret: str, secret_name: str) -> Target | None:
    if not url:
        return None
    secrets = webhooks.parse_secrets(secret)
    if not secrets:
        raise SettingsError(f"{secret_name} is required to sign webhooks to {url}")
    return Target(url, secrets)
