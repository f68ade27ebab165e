"""The deadline scan in batches: the same alerts as case by case, each once, shared by scanners."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reconcile.db import alert_store, deadline_store
from reconcile.db.engine import make_engine
from reconcile.db.tables import audit_records
from reconcile.db.tables_alerts import alerts, deliveries
from reconcile.db.tables_deadlines import deadline_scan_batches
from reconcile.deadlines import Rules, clocks, findings
from reconcile.services import deadlines
from reconcile.services.deadlines import calendar_from, scan_deadlines
from tests.integration import payments
from tests.integration.money import credit_case, on_day
from tests.integration.payments import PAYEE

people = payments.people  # the payment tests' fixtures
DEADLINE_KINDS = ("notice_due_soon", "notice_overdue", "payment_due_soon", "payment_overdue")


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 3 case ids, so that a few cases make several batches."""
    monkeypatch.setattr(deadlines, "SCAN_BATCH_CASES", 3)


def deadline_alerts(engine) -> set[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(alerts.c.kind, alerts.c.subject, alerts.c.case_id, alerts.c.facts).where(
                alerts.c.kind.in_(DEADLINE_KINDS)
            )
        )
        return {(r.kind, r.subject, r.case_id, r.facts["due"]) for r in rows}


def expected_one_by_one(engine, settings, case_ids, days) -> set[tuple]:
    """The model: each case's facts read alone, its findings by the pure deadline functions."""
    rules, calendar = Rules.from_settings(settings), calendar_from(settings)
    expected = set()
    with engine.connect() as conn:
        for case_id in case_ids:
            case = deadline_store.case_for_deadlines(conn, case_id)
            running = clocks(deadline_store.case_facts(conn, case), rules, calendar)
            for day in days:
                for f in findings(running, day, rules, calendar):
                    due = f.clock.deadline.due.isoformat()
                    expected.add((f.kind, f.clock.subject, case_id, due))
    return expected


def _post(client, url, body, headers, on: date) -> dict:
    with on_day(on):
        response = client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def varied_cases(client, court, engine, register_case, people, count: int) -> list[int]:
    """Cases with one or two credits on random days, some held, released, noticed, deferred."""
    pick = random.Random(16)
    enforcement, approver = court.headers("enforcement"), people("approver", "审批人")
    ids = []
    for n in range(count):
        case = register_case()
        ids.append(case["id"])
        first = date(2026, 9, 1) + timedelta(days=pick.randrange(40))
        credit_case(engine, case["id"], pick.randrange(1, 50) * 100_00, arrived_on=first)
        if n % 3 == 0:
            later = first + timedelta(days=pick.randrange(1, 15))
            credit_case(engine, case["id"], 20_00, arrived_on=later)
        then = first + timedelta(days=pick.randrange(1, 10))
        if n % 4 == 1:
            hold = {
                "amount": "30.00",
                "reason": "案外人异议",
                "document_reference": "（2026）异1号",
            }
            made = _post(client, f"/api/v1/cases/{case['id']}/holds", hold, enforcement, then)
            if n % 8 == 1:
                url = f"/api/v1/holds/{made['id']}/release"
                _post(client, url, {}, enforcement, then + timedelta(days=6))
        if n % 5 == 2:
            body = {"amount": "10.00", "payee_account_number": PAYEE, "note": "发放"}
            made = _post(
                client, f"/api/v1/cases/{case['id']}/disbursements", body, enforcement, then
            )
            if n % 10 == 2:  # the payment clock runs from the final approval
                url = f"/api/v1/disbursements/{made['id']}/approve"
                _post(client, url, {}, approver, then + timedelta(days=1))
        if n % 7 == 3:
            body = {
                "ground": "依法提存",
                "document_reference": "（2026）执1号之二",
                "kind": "escrow",
                "review_on": "2099-12-31",
            }
            made = _post(client, f"/api/v1/cases/{case['id']}/deferrals", body, enforcement, then)
            _post(client, f"/api/v1/deferrals/{made['id']}/approve", {}, approver, then)
            if n % 14 == 3:
                url = f"/api/v1/deferrals/{made['id']}/end"
                _post(client, url, None, enforcement, then + timedelta(days=3))
    return ids


def test_a_scan_in_batches_raises_what_a_scan_case_by_case_would(
    client, court, engine, settings, register_case, people, small_batches
):
    case_ids = varied_cases(client, court, engine, register_case, people, 28)
    days = [date(2026, 9, 20), date(2026, 10, 9), date(2026, 10, 16), date(2026, 11, 2)]
    for day in days:
        scan_deadlines(engine, settings, day)
    expected = expected_one_by_one(engine, settings, case_ids, days)
    assert {kind for kind, *_ in expected} == set(DEADLINE_KINDS), "the cases cover every kind"
    assert deadline_alerts(engine) == expected


def test_a_batch_reads_the_same_facts_as_each_case_alone(
    client, court, engine, register_case, people
):
    case_ids = varied_cases(client, court, engine, register_case, people, 15)
    low, high = min(case_ids), max(case_ids) + 1
    with engine.connect() as conn:
        found = deadline_store.cases_in(conn, low, high)
        batch = deadline_store.facts_of_cases(conn, found, low, high)
        alone = {i: deadline_store.case_facts(conn, found[i]) for i in case_ids}
    assert sorted(batch) == case_ids
    assert batch == alone


def test_each_batch_audits_the_alerts_it_raised_and_queues_each_once(
    engine, settings, register_case, small_batches
):
    for _ in range(7):
        credit_case(engine, register_case()["id"], 1_00, arrived_on=date(2026, 9, 18))
    assert scan_deadlines(engine, settings, date(2026, 10, 12))["notice_overdue"] == 7
    with engine.connect() as conn:
        alert_ids = set(conn.execute(select(alerts.c.id)).scalars())
        queued = Counter(
            conn.execute(select(deliveries.c.alert_id).where(deliveries.c.topic == "alert"))
            .scalars()
            .all()
        )
        records = conn.execute(
            select(audit_records).where(audit_records.c.action == "deadlines.scanned")
        ).mappings()
        audited = [i for r in records for i in r["after"]["alert_ids"]]
    assert sorted(audited) == sorted(alert_ids)
    assert queued == {i: 1 for i in alert_ids}
    with engine.connect() as conn:
        alert = alert_store.alert_by_id(conn, min(alert_ids))
    assert (alert["kind"], alert["severity"], alert["status"]) == (
        "notice_overdue",
        "warning",
        "open",
    )
    assert alert["facts"] == {
        "case_number": alert["facts"]["case_number"],
        "clock": "notice",
        "started_on": "2026-09-18",
        "due": "2026-10-09",
        "amount": "1.00",
        "provisional": False,
        "disbursement_id": None,
    }
    number = alert["facts"]["case_number"]
    assert alert["detail"] == f"case {number}: 1.00 yuan, notice overdue since 2026-10-09"
    assert alert["raised_at"].utcoffset() is not None or engine.dialect.name == "sqlite"


def test_a_second_scan_the_same_day_raises_what_became_due_since(engine, settings, register_case):
    first = register_case()
    credit_case(engine, first["id"], 1_00, arrived_on=date(2026, 9, 18))
    day = date(2026, 10, 12)
    assert scan_deadlines(engine, settings, day)["notice_overdue"] == 1
    second = register_case()  # in the same batch as the first
    credit_case(engine, second["id"], 1_00, arrived_on=date(2026, 9, 16))
    again = scan_deadlines(engine, settings, day)
    assert (again["cases"], again["notice_overdue"]) == (2, 1)
    assert scan_deadlines(engine, settings, day).get("notice_overdue") is None


# ---- several scanners at once (on SQLite the write lock makes them take turns) ----


@pytest.mark.postgres
def test_a_batch_another_scanner_holds_is_left_to_it(engine, settings, register_case):
    for _ in range(3):
        credit_case(engine, register_case()["id"], 1_00, arrived_on=date(2026, 9, 18))
    day = date(2026, 10, 12)
    scan_deadlines(engine, settings, day - timedelta(days=20))  # makes the claim rows
    with engine.connect() as other:
        other.execute(select(deadline_scan_batches).with_for_update())
        report = scan_deadlines(engine, settings, day)
        other.rollback()
    assert (report["cases_claimed_elsewhere"], report.get("notice_overdue")) == (3, None)
    assert scan_deadlines(engine, settings, day)["notice_overdue"] == 3


def test_two_scanners_with_their_own_connections_raise_each_alert_once(
    engine, settings, register_case, database_url, monkeypatch
):
    monkeypatch.setattr(deadlines, "SCAN_BATCH_CASES", 10)
    for n in range(120):
        arrived = date(2026, 9, 14) + timedelta(days=n % 20)
        credit_case(engine, register_case()["id"], 1_00, arrived_on=arrived)
    day = date(2026, 10, 16)
    engines = [make_engine(database_url) for _ in range(2)]
    start, reports = threading.Barrier(2), []

    def scanner(own_engine):
        start.wait()
        reports.append(scan_deadlines(own_engine, settings, day))

    threads = [threading.Thread(target=scanner, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for own_engine in engines:
        own_engine.dispose()
    with engine.connect() as conn:
        raised = Counter(conn.execute(select(alerts.c.kind)).scalars())
        subjects = conn.execute(select(alerts.c.kind, alerts.c.subject)).all()
    assert len(subjects) == len(set(subjects))
    assert raised == sum((Counter({k: r.get(k, 0) for k in raised}) for r in reports), Counter())
    expected = expected_one_by_one(engine, settings, range(1, 121), [day])
    assert deadline_alerts(engine) == expected
