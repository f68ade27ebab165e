"""Delivery order: criticals first whatever the backlog, then warnings, then info; oldest first."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from alembic import command
from sqlalchemy import JSON, String, cast, insert, literal, select, update

from api.desk_receiver import DeskReceiver
from reconcile.clock import utc_now
from reconcile.db import alert_store, migrate, outbox
from reconcile.db.tables_alerts import alerts, deliveries
from reconcile.services import delivery
from reconcile.settings import load_settings
from tests.integration.alerting import delivery_rows, raise_one

SECRET = "desk-secret-2026"
d = deliveries.c


def settings_for(database_url: str, url: str, **delivery_settings) -> dict:
    return load_settings(
        environ={},
        overrides={
            "database": {"url": database_url},
            "desk": {"webhook_url": url, "webhook_secret": SECRET},
            "events": {"webhook_secret": SECRET},
            "delivery": delivery_settings,
        },
    )


def queue_warnings(engine, court: str, count: int) -> None:
    """Insert `count` orphan alerts in one statement and queue their deliveries in bulk."""
    n = select(literal(1).label("i")).cte("n", recursive=True)
    n = n.union_all(select(n.c.i + 1).where(n.c.i < count))
    now = utc_now()
    rows = select(
        literal("orphan_funds"), literal("warning"), literal(court),
        literal("bulk:") + cast(n.c.i, String), literal({"amount": "1.00"}, JSON),
        literal("open"), literal(now, alerts.c.raised_at.type),
    )  # fmt: skip
    columns = ["kind", "severity", "court", "subject", "facts", "status", "raised_at"]
    with engine.begin() as conn:
        stored = conn.execute(insert(alerts).from_select(columns, rows).returning(alerts.c.id))
        outbox.queue(conn, "alert", stored.scalars().all(), now)


def critical(uow, court: str) -> int:
    return raise_one(uow, court, kind="unauthorised_debit")


def test_a_critical_raised_behind_100000_pending_warnings_goes_in_the_first_pass(
    engine, uow, court, database_url
):
    queue_warnings(engine, court.code, 100_000)
    alert_id = critical(uow, court.code)
    with DeskReceiver([SECRET]) as desk:
        report = delivery.deliver_pending(engine, settings_for(database_url, desk.url))
    assert (report.claimed, report.delivered) == (50, 50)
    assert desk.arrivals[0] == ("alert", alert_id)  # before every warning of the batch


def test_criticals_go_first_then_warnings_with_case_events_then_info(
    engine, uow, court, register_case, database_url
):
    case = register_case()
    info = raise_one(uow, court.code, kind="notice_due_soon")
    warning = raise_one(uow, court.code)
    with uow() as u:
        alert_store.emit_case_event(
            u, court=court.code, case_id=case["id"], event="hold_placed", facts={}
        )
        u.commit()
    later_warning = raise_one(uow, court.code, kind="payment_overdue")
    first = critical(uow, court.code)
    with DeskReceiver([SECRET]) as desk:
        settings = settings_for(database_url, desk.url)
        settings["events"]["subscribers"] = [{"court": court.code, "url": desk.url}]
        assert delivery.deliver_pending(engine, settings).delivered == 5
    assert desk.arrivals == [
        ("alert", first),
        ("alert", warning),
        ("case_event", 1),
        ("alert", later_warning),
        ("alert", info),
    ]


def test_within_a_severity_the_delivery_due_longest_goes_first(engine, uow, court, database_url):
    oldest, middle, newest = (raise_one(uow, court.code) for _ in range(3))
    now = utc_now()
    with engine.begin() as conn:  # the oldest failed once; its retry is due after the newest
        retry = update(deliveries).where(d.alert_id == oldest)
        conn.execute(retry.values(next_attempt_at=now + timedelta(seconds=30), attempts=1))
    with DeskReceiver([SECRET]) as desk:
        settings = settings_for(database_url, desk.url)
        report = delivery.deliver_pending(engine, settings, now=now + timedelta(seconds=31))
    assert report.delivered == 3
    assert desk.arrivals == [("alert", middle), ("alert", newest), ("alert", oldest)]


def test_the_critical_pass_sends_only_criticals(engine, uow, court, database_url):
    warning = raise_one(uow, court.code)
    alert_id = critical(uow, court.code)
    with DeskReceiver([SECRET]) as desk:
        report = delivery.deliver_critical(engine, settings_for(database_url, desk.url))
    assert (report.claimed, report.delivered) == (1, 1)
    assert desk.ids() == {alert_id}
    pending = [r["alert_id"] for r in delivery_rows(engine) if r["status"] == "pending"]
    assert pending == [warning]


class WarningsHeldDesk(DeskReceiver):
    """A desk that holds every warning at `gate` (a slow desk), and answers criticals."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.holding = threading.Event()  #: a warning is waiting at the closed gate

    def accept(self, headers, body):
        if json.loads(body)["severity"] == "warning" and not self.gate.is_set():
            self.holding.set()
            self.gate.wait(10)
        return super().accept(headers, body)


def test_a_critical_goes_while_a_full_pass_is_stuck_on_a_batch_of_warnings(
    engine, uow, court, database_url
):
    warnings = {raise_one(uow, court.code) for _ in range(5)}
    with WarningsHeldDesk([SECRET]) as desk:
        settings = settings_for(database_url, desk.url)
        full_pass = threading.Thread(target=delivery.deliver_pending, args=(engine, settings))
        full_pass.start()
        try:
            assert desk.holding.wait(5)  # the full pass has every warning, and is stuck
            alert_id = critical(uow, court.code)
            report = delivery.deliver_critical(engine, settings)
            assert report.delivered == 1
            assert desk.ids() == {alert_id}
        finally:
            desk.gate.set()
            full_pass.join(30)
    assert sorted(desk.arrivals) == sorted(("alert", i) for i in warnings | {alert_id})


def test_full_and_critical_passes_at_once_send_each_alert_exactly_once(
    engine, uow, court, database_url
):
    kinds = ["unauthorised_debit", "orphan_funds", "notice_due_soon"] * 12
    ids = {raise_one(uow, court.code, kind=kind) for kind in kinds}
    with DeskReceiver([SECRET]) as desk:
        settings = settings_for(database_url, desk.url, batch_size=4)

        def until_done(deliver):
            while deliver(engine, settings).claimed:
                pass

        passes = [delivery.deliver_pending] * 3 + [delivery.deliver_critical] * 2
        with ThreadPoolExecutor(max_workers=len(passes)) as pool:
            list(pool.map(until_done, passes))
    assert sorted(desk.arrivals) == sorted(("alert", i) for i in ids)  # no duplicates at all
    assert {r["status"] for r in delivery_rows(engine)} == {"delivered"}


def test_the_migration_gives_queued_deliveries_their_alerts_priority(
    engine, uow, court, register_case
):
    case = register_case()
    kinds = ("unauthorised_debit", "orphan_funds", "notice_due_soon")
    ids = [raise_one(uow, court.code, kind=kind) for kind in kinds]
    with uow() as u:
        alert_store.emit_case_event(
            u, court=court.code, case_id=case["id"], event="hold_placed", facts={}
        )
        u.commit()
    with engine.connect() as conn:
        config = migrate.alembic_config(conn)
        try:
            command.downgrade(config, "0002")
            conn.commit()
        finally:
            command.upgrade(config, "heads")
            conn.commit()
    priorities = {(r["alert_id"], r["case_event_id"]): r["priority"] for r in delivery_rows(engine)}
    assert priorities == {(ids[0], None): 0, (ids[1], None): 1, (ids[2], None): 2, (None, 1): 1}
