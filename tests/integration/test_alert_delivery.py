"""Webhook delivery to a real receiver over loopback: signed, retried, never lost, never twice."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from api.desk_receiver import DeskReceiver
from reconcile import webhooks
from reconcile.clock import utc_now
from reconcile.db import alert_store, outbox
from reconcile.services import alerts
from reconcile.settings import load_settings
from tests.integration.alerting import delivery_rows, raise_many, raise_one

SECRET = "desk-secret-2026"
REPO = Path(__file__).resolve().parents[2]


def settings_for(database_url: str, url: str, **delivery) -> dict:
    return load_settings(
        environ={},
        overrides={
            "database": {"url": database_url},
            "desk": {"webhook_url": url, "webhook_secret": f"{SECRET},old-secret"},
            "delivery": delivery,
        },
    )


@pytest.fixture
def receiver():
    with DeskReceiver([SECRET]) as r:
        yield r


@pytest.fixture
def desk_settings(database_url, receiver) -> dict:
    return settings_for(database_url, receiver.url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_raw(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as e:
        e.close()
        return e.code


def signed(body: bytes, secret: str = SECRET, timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return webhooks.signed_headers(secret, body, topic="alert", timestamp=timestamp)


# ---- signed delivery ----


def test_an_alert_arrives_signed_and_exactly_as_the_api_shows_it(
    engine, uow, client, court, receiver, desk_settings
):
    alert_id = raise_one(uow, court.code)
    report = alerts.deliver_pending(engine, desk_settings)
    assert (report.claimed, report.delivered) == (1, 1)
    shown = client.get(f"/api/v1/alerts/{alert_id}", headers=court.headers("desk")).get_json()
    assert shown["delivery"]["status"] == "delivered"
    # the delivery, owner and due time are the service's own, not part of the message
    assert receiver.received[("alert", alert_id)] == {
        k: v for k, v in shown.items() if k not in ("delivery", "owner", "due_at", "overdue")
    }
    assert receiver.rejections == []


def test_the_receiver_refuses_a_tampered_body_a_wrong_secret_a_stale_time_and_a_replay(receiver):
    body = json.dumps({"id": 1, "kind": "orphan_funds"}).encode()
    assert post_raw(receiver.url, body.replace(b"1", b"2"), signed(body)) == 401
    assert post_raw(receiver.url, body, signed(body, secret="guessed")) == 401
    assert post_raw(receiver.url, body, signed(body, timestamp=int(time.time()) - 301)) == 401
    headers = signed(body)
    assert post_raw(receiver.url, body, headers) == 200
    assert post_raw(receiver.url, body, headers) == 409
    assert receiver.rejections == ["bad_signature", "bad_signature", "stale_timestamp", "replay"]
    assert receiver.ids() == {1}


def test_a_retry_of_an_alert_the_desk_has_is_accepted_and_kept_once(receiver):
    body = json.dumps({"id": 7, "kind": "orphan_funds"}).encode()
    assert post_raw(receiver.url, body, signed(body, timestamp=int(time.time()) - 5)) == 200
    assert post_raw(receiver.url, body, signed(body)) == 200
    assert receiver.arrivals == [("alert", 7), ("alert", 7)]
    assert list(receiver.received) == [("alert", 7)]


def test_during_a_secret_rotation_a_receiver_still_on_the_old_secret_accepts(
    engine, uow, court, database_url
):
    with DeskReceiver(["old-secret"]) as old_only, DeskReceiver([f"{SECRET},old-secret"]) as both:
        raise_one(uow, court.code)
        old_settings = settings_for(database_url, old_only.url)
        old_settings["desk"]["webhook_secret"] = "old-secret"
        assert alerts.deliver_pending(engine, old_settings).delivered == 1
        raise_one(uow, court.code)
        assert alerts.deliver_pending(engine, settings_for(database_url, both.url)).delivered == 1
        assert len(both.received) == 1 and len(old_only.received) == 1


def test_without_a_desk_url_alerts_wait_in_the_outbox(engine, uow, court, database_url):
    raise_one(uow, court.code)
    report = alerts.deliver_pending(engine, settings_for(database_url, ""))
    assert report.claimed == 0
    assert [d["status"] for d in delivery_rows(engine)] == ["pending"]


# ---- retries, leases, dead letters ----


def test_every_alert_arrives_once_after_the_receiver_was_down_for_several_attempts(
    engine, uow, court, database_url
):
    port = free_port()
    settings = settings_for(database_url, f"http://127.0.0.1:{port}/")
    ids = set(raise_many(uow, court.code, 5))
    now = utc_now()
    for _ in range(3):
        report = alerts.deliver_pending(engine, settings, now=now)
        assert (report.claimed, report.failed) == (5, 5)
        assert alerts.deliver_pending(engine, settings, now=now).claimed == 0  # backing off
        now += timedelta(hours=7)
    with DeskReceiver([SECRET], port=port) as desk:
        assert alerts.deliver_pending(engine, settings, now=now).delivered == 5
    assert desk.ids() == ids
    assert sorted(desk.arrivals) == sorted(("alert", i) for i in ids)
    assert {(d["status"], d["attempts"]) for d in delivery_rows(engine)} == {("delivered", 4)}


def test_a_delivery_whose_deliverer_died_is_sent_again_when_its_lease_runs_out(
    engine, uow, court, receiver, desk_settings
):
    alert_id = raise_one(uow, court.code)
    now = utc_now()
    with uow() as u:  # a deliverer claims it, then dies before sending
        lease_until = now + timedelta(seconds=120)
        outbox.claim(u.conn, topics=["alert"], now=now, lease_until=lease_until, limit=10)
        u.commit()
    assert alerts.deliver_pending(engine, desk_settings, now=now).claimed == 0
    later = now + timedelta(seconds=121)
    assert alerts.deliver_pending(engine, desk_settings, now=later).delivered == 1
    assert receiver.ids() == {alert_id}


def test_a_delivery_failing_for_four_days_is_dead_lettered_visibly_and_can_be_requeued(
    engine, uow, client, court, database_url
):
    settings = settings_for(database_url, "http://127.0.0.1:9/")
    alert_id = raise_one(uow, court.code)
    statuses = iter([503, 500])

    def failing(url, body, headers, timeout):
        return next(statuses)

    start = utc_now()
    assert alerts.deliver_pending(engine, settings, now=start, http_post=failing).failed == 1
    later = start + timedelta(hours=97)
    report = alerts.deliver_pending(engine, settings, now=later, http_post=failing)
    assert report.dead == 1
    [dead, notice] = delivery_rows(engine)
    assert (dead["status"], dead["last_error"], dead["attempts"]) == ("dead", "HTTP 500", 2)
    health = client.get("/api/v1/alerts/delivery-health", headers=court.headers("desk")).json
    assert (health["status"], health["dead"]) == ("dead_letters", 1)
    shown = client.get("/api/v1/alerts?kind=delivery_dead_letter", headers=court.headers("finance"))
    [letter] = shown.get_json()["items"]
    assert letter["severity"] == "critical"
    assert letter["facts"]["alert_id"] == alert_id
    assert notice["alert_id"] == letter["id"]  # the desk is told too, once it answers
    assert alerts.requeue_dead(engine) == 1
    assert [d["status"] for d in delivery_rows(engine)] == ["pending", "pending"]


# ---- case events ----


def test_case_events_go_signed_to_the_courts_subscriber_and_nowhere_else(
    engine, uow, court, register_case, database_url
):
    case = register_case()
    with DeskReceiver(["events-secret"]) as enforcement_system:
        settings = settings_for(database_url, "")
        settings["events"] = {
            "subscribers": [{"court": court.code, "url": enforcement_system.url}],
            "webhook_secret": "events-secret",
        }
        with uow() as u:
            alert_store.emit_case_event(
                u,
                court=court.code,
                case_id=case["id"],
                event="hold_placed",
                facts={"amount": "300.00"},
            )
            u.commit()
        assert alerts.deliver_pending(engine, settings).delivered == 1
        [(key, body)] = enforcement_system.received.items()
    assert key == ("case_event", 1)
    assert (body["event"], body["case_id"], body["facts"]) == (
        "hold_placed",
        case["id"],
        {"amount": "300.00"},
    )
    settings["events"]["subscribers"] = []
    with uow() as u:
        alert_store.emit_case_event(
            u, court=court.code, case_id=case["id"], event="hold_released", facts={}
        )
        u.commit()
    assert alerts.deliver_pending(engine, settings).discarded == 1


# ---- several deliverers, and a crash ----


class SlowReceiver(DeskReceiver):
    """A desk that takes its time, so that deliverers overlap; `gate` can hold requests."""

    pause = 0.01

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.gate.set()
        self.holding = threading.Event()  #: a request is waiting at the closed gate

    def accept(self, headers, body):
        time.sleep(self.pause)
        if not self.gate.is_set():
            self.holding.set()
            self.gate.wait(10)
        return super().accept(headers, body)


def test_several_deliverers_at_once_send_each_alert_exactly_once(engine, uow, court, database_url):
    ids = set(raise_many(uow, court.code, 40))
    with SlowReceiver([SECRET]) as desk:
        settings = settings_for(database_url, desk.url, batch_size=4)

        def deliver_until_done(_):
            while alerts.deliver_pending(engine, settings).claimed:
                pass

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(deliver_until_done, range(4)))
    assert sorted(desk.arrivals) == sorted(("alert", i) for i in ids)  # no duplicates at all
    assert {d["status"] for d in delivery_rows(engine)} == {"delivered"}


def start_deliverer(database_url: str, desk_url: str, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECONCILE_")}
    env |= {
        "RECONCILE_DATABASE_URL": database_url,
        "RECONCILE_DESK_WEBHOOK_URL": desk_url,
        "RECONCILE_DESK_WEBHOOK_SECRET": SECRET,
        "RECONCILE_DELIVERY_BATCH_SIZE": "5",
        "RECONCILE_DELIVERY_LEASE_SECONDS": "2",
        "RECONCILE_DELIVERY_TIMEOUT_SECONDS": "1",
        "RECONCILE_DELIVERY_RETRY_BASE_SECONDS": "1",
    }
    command = [sys.executable, "-c", "from api.cli import main; main()", "deliver-alerts"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [*command, "--loop", "--interval", "0.05"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_deliverer_killed_mid_delivery_loses_nothing(engine, uow, court, database_url, tmp_path):
    ids = set(raise_many(uow, court.code, 30))
    log = tmp_path / "deliverer.log"

    def everything_delivered() -> bool:
        rows = delivery_rows(engine)
        return desk.ids() == ids and all(d["status"] == "delivered" for d in rows)

    with SlowReceiver([SECRET]) as desk:
        first = start_deliverer(database_url, desk.url, log)
        try:
            assert wait_for(lambda: len(desk.ids()) >= 8, 20), log.read_text()
            desk.gate.clear()
            assert desk.holding.wait(5)  # the deliverer is mid-request
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        desk.gate.set()  # the desk gets the request the deliverer never saw answered
        assert len(desk.ids()) < len(ids)
        second = start_deliverer(database_url, desk.url, log)
        try:
            assert wait_for(everything_delivered, 20), log.read_text()
        finally:
            second.kill()
            second.wait()
    assert len(desk.arrivals) > len(ids)  # the unanswered one came twice ...
    assert desk.ids() == ids  # ... and is kept once


def test_the_receiver_refuses_a_topic_the_signature_does_not_cover(receiver):
    body = json.dumps({"id": 7, "kind": "orphan_funds"}).encode()
    relabelled = {**signed(body), webhooks.TOPIC_HEADER: "case_event"}
    assert post_raw(receiver.url, body, relabelled) == 401
    unsigned_topic = {k: v for k, v in signed(body).items() if k != webhooks.TOPIC_SIGNATURE_HEADER}
    assert post_raw(receiver.url, body, unsigned_topic) == 401
    assert receiver.rejections == ["bad_topic_signature", "bad_topic_signature"]
    assert post_raw(receiver.url, body, signed(body)) == 200
    assert receiver.ids() == {7}
