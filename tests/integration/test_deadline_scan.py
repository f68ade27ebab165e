"""The deadline scan: warnings before, alerts after, each raised once; pauses; provisional."""

import copy
import json
import threading
import time
from collections import Counter
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import cli
from api.jobs import start_scheduler
from reconcile.clock import COURT_TZ
from reconcile.db.tables_alerts import alerts, deliveries
from reconcile.services.deadlines import scan_deadlines
from tests.integration import payments
from tests.integration.money import credit_case, on_day
from tests.integration.payments import PAYEE

# fixtures of the payment tests (the app with every payment endpoint, …)
people = payments.people


def alert_kinds(engine) -> Counter:
    with engine.connect() as conn:
        return Counter(conn.execute(select(alerts.c.kind)).scalars())


def scan(engine, settings, day: date) -> dict:
    return scan_deadlines(engine, settings, day)


def deadlines(client, court, case_id, as_of: str) -> dict:
    url = f"/api/v1/cases/{case_id}/deadlines?as_of={as_of}"
    return client.get(url, headers=court.headers("desk")).get_json()


def notice(client, court, case_id, amount: str, on: date) -> dict:
    with on_day(on):
        response = client.post(
            f"/api/v1/cases/{case_id}/disbursements",
            json={"amount": amount, "payee_account_number": PAYEE, "note": "发放"},
            headers=court.headers("enforcement"),
        )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_scan_warns_before_the_notice_deadline_and_alerts_after_it_once_each(
    engine, settings, register_case
):
    case = register_case()
    credit_case(engine, case["id"], 80_000_00, arrived_on=date(2026, 9, 18))  # due 10-09
    assert scan(engine, settings, date(2026, 9, 29)).get("notice_due_soon") is None
    assert scan(engine, settings, date(2026, 9, 30))["notice_due_soon"] == 1
    assert scan(engine, settings, date(2026, 10, 8)).get("notice_due_soon") is None
    assert scan(engine, settings, date(2026, 10, 12))["notice_overdue"] == 1
    scan(engine, settings, date(2026, 10, 13))
    assert alert_kinds(engine) == {"notice_due_soon": 1, "notice_overdue": 1}


def test_the_case_shows_its_deadlines_and_their_state(client, court, engine, register_case):
    case = register_case()
    credit_case(engine, case["id"], 80_000_00, arrived_on=date(2026, 9, 18))
    shown = deadlines(client, court, case["id"], "2026-09-30")
    assert shown["paused"] is False
    [clock] = shown["deadlines"]
    assert (clock["clock"], clock["started_on"], clock["due"]) == (
        "notice",
        "2026-09-18",
        "2026-10-09",
    )
    assert (clock["state"], clock["provisional"], clock["amount"]) == (
        "due_soon",
        False,
        "80000.00",
    )


def test_an_unpaid_notice_raises_payment_overdue_after_five_working_days(
    client, court, engine, settings, register_case, people
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 9, 28))
    made = notice(client, court, case["id"], "10000.00", on=date(2026, 9, 30))
    with on_day(date(2026, 9, 30)):
        url = f"/api/v1/disbursements/{made['id']}/approve"
        assert client.post(url, json={}, headers=people("approver", "审批人")).status_code == 200
    [clock] = deadlines(client, court, case["id"], "2026-10-13")["deadlines"]
    assert (clock["clock"], clock["disbursement_id"], clock["due"]) == (
        "payment",
        made["id"],
        "2026-10-13",
    )
    assert scan(engine, settings, date(2026, 10, 13)).get("payment_overdue") is None
    assert scan(engine, settings, date(2026, 10, 14))["payment_overdue"] == 1
    deadline_kinds = {k: n for k, n in alert_kinds(engine).items() if k != "payment_unconfirmed"}
    assert deadline_kinds == {"payment_due_soon": 1, "payment_overdue": 1}


def test_an_approved_deferral_pauses_the_clock_and_its_end_restarts_it(
    client, court, engine, settings, register_case
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 3, 2))
    with on_day(date(2026, 3, 4)):
        deferral = client.post(
            f"/api/v1/cases/{case['id']}/deferrals",
            json={
                "ground": "申请执行人下落不明，依法提存",
                "document_reference": "（2026）京0105执1号之二",
                "kind": "escrow",
                "review_on": "2099-12-31",
            },
            headers=court.headers("enforcement"),
        ).get_json()
        approved = client.post(
            f"/api/v1/deferrals/{deferral['id']}/approve",
            json={},
            headers=court.headers("approver"),
        ).get_json()
    assert (approved["status"], approved["approved_on"]) == ("approved", "2026-03-04")
    assert scan(engine, settings, date(2026, 6, 1)) == {"as_of": date(2026, 6, 1), "cases": 1}
    shown = deadlines(client, court, case["id"], "2026-06-01")
    assert shown["paused"] is True
    assert (shown["deadlines"][0]["state"], shown["deadlines"][0]["due"]) == ("paused", None)
    with on_day(date(2026, 6, 1)):
        client.post(f"/api/v1/deferrals/{deferral['id']}/end", headers=court.headers("enforcement"))
    # 3-03 counted; 3-04..6-01 paused; 6-02..6-05, 6-08..6-12 (6-19 端午 is later).
    assert deadlines(client, court, case["id"], "2026-06-02")["deadlines"][0]["due"] == "2026-06-12"


def test_a_deadline_in_a_year_without_a_calendar_is_provisional_visibly_and_alerted_once(
    client, court, engine, settings, register_case
):
    first, second = register_case(), register_case()
    credit_case(engine, first["id"], 1_00, arrived_on=date(2030, 6, 3))
    credit_case(engine, second["id"], 1_00, arrived_on=date(2030, 6, 4))
    [clock] = deadlines(client, court, first["id"], "2030-06-04")["deadlines"]
    assert (clock["provisional"], clock["unknown_years"]) == (True, [2030])
    assert scan(engine, settings, date(2030, 6, 4))["calendar_provisional"] == 1
    assert scan(engine, settings, date(2030, 6, 5)).get("calendar_provisional") is None
    assert alert_kinds(engine)["calendar_provisional"] == 1


def test_the_cli_scans_as_of_a_given_day(engine, database_url, register_case, monkeypatch):
    case = register_case()
    credit_case(engine, case["id"], 80_000_00, arrived_on=date(2026, 9, 18))
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["scan-deadlines", "--as-of", "2026-10-12"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["notice_overdue"] == 1


# ---- several service instances on one PostgreSQL ----


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.postgres
def test_two_scheduler_instances_raise_and_deliver_each_alert_once(
    client, court, engine, settings, register_case, monkeypatch
):
    late_notice, late_payment = register_case(), register_case()
    credit_case(engine, late_notice["id"], 5_000_00, arrived_on=date(2026, 9, 18))
    credit_case(engine, late_payment["id"], 5_000_00, arrived_on=date(2026, 9, 28))
    notice(client, court, late_payment["id"], "5000.00", on=date(2026, 9, 30))
    posted, lock = [], threading.Lock()

    def desk(url, body, headers, timeout):
        with lock:
            posted.append(json.loads(body)["id"])
        return 200

    monkeypatch.setattr("reconcile.webhooks.post", desk)
    settings = copy.deepcopy(settings)
    settings["desk"].update(webhook_url="http://desk.test/alerts", webhook_secret="s3cret")
    settings["deadlines"]["notice_to_finance"] = "request"  # the notice is not approved
    schedulers = [start_scheduler(engine, settings) for _ in range(2)]
    try:
        wait_for(lambda: sum(alert_kinds(engine).values()) == 2)
        for scheduler in schedulers:  # deliver now rather than in 30 s, both at once
            scheduler.get_job("deliver_alerts").modify(next_run_time=datetime.now(COURT_TZ))
        wait_for(lambda: len(posted) >= 2 and delivered(engine) == 2)
        time.sleep(0.5)
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)
    assert alert_kinds(engine) == {"notice_overdue": 1, "payment_overdue": 1}
    with engine.connect() as conn:
        alert_ids = set(conn.execute(select(alerts.c.id)).scalars())
    assert sorted(posted) == sorted(alert_ids)


def delivered(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(deliveries)
            .where(deliveries.c.topic == "alert", deliveries.c.status == "delivered")
        ).scalar_one()


@pytest.mark.postgres
def test_two_scans_at_once_raise_each_alert_once(engine, settings, register_case):
    for _ in range(6):
        case = register_case()
        credit_case(engine, case["id"], 1_00, arrived_on=date(2026, 9, 18))
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(scan(engine, settings, date(2026, 10, 12))))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.get("notice_overdue", 0) for r in results) == 6
    assert alert_kinds(engine) == {"notice_overdue": 6}
