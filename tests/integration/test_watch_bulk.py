"""The watch in bulk: what it raises is what reading every orphan every scan raised, a scan
with nothing new reads no orphan or payment row, and each alert is audited once."""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reconcile.db import watch_store
from reconcile.db.tables import audit_records
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_statements import statement_lines
from reconcile.services import watch
from reconcile.services.deadlines import calendar_from, scan_deadlines
from tests.integration.statement_files import Row, csv_statement, upload

WATCH_KINDS = ("orphan_ageing", "identification_overdue", "payment_unconfirmed")


def watch_alerts(engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(alerts.c.kind, alerts.c.subject))
        return {(kind, subject) for kind, subject in rows if kind in WATCH_KINDS}


def orphans_on(client, court, days: list[date]) -> None:
    rows = [
        Row(day.isoformat(), f"{10 + n}.00", "某人", "6222000000000009", "货款", "", f"O{n}")
        for n, day in enumerate(days)
    ]
    response = upload(client, court, csv_statement(rows))
    assert response.status_code == 201, response.get_json()


def expected_after(engine, settings, scans: list[date]) -> set[tuple[str, str]]:
    """The model: every open orphan read at every scan, as the watch did before."""
    calendar = calendar_from(settings)
    thresholds = sorted(settings["orphans"]["ageing_alert_days"])
    window = settings["orphans"]["identification_working_days"]
    sl = statement_lines.c
    with engine.connect() as conn:
        lines = conn.execute(select(sl.id, sl.booked_on).where(sl.status == "orphan")).all()
    found = set()
    for as_of in scans:
        for line_id, booked_on in lines:
            age = calendar.working_days_between(booked_on, as_of)
            reached = [t for t in thresholds if age >= t]
            if reached:
                found.add(("orphan_ageing", f"transaction:{line_id}:age:{reached[-1]}"))
            if as_of > calendar.add_working_days(booked_on, window).due:
                found.add(("identification_overdue", f"transaction:{line_id}"))
    return found


def test_orphans_booked_on_many_days_get_the_alerts_of_reading_each_at_each_scan(
    client, court, engine, settings
):
    pick = random.Random(16)
    start = date(2026, 9, 1)
    orphans_on(client, court, sorted(start + timedelta(days=pick.randrange(80)) for _ in range(40)))
    scans = sorted({start + timedelta(days=pick.randrange(20, 120)) for _ in range(6)})
    for n, as_of in enumerate(scans, 1):
        scan_deadlines(engine, settings, as_of)
        assert watch_alerts(engine) == expected_after(engine, settings, scans[:n]), as_of


def test_an_orphan_past_two_thresholds_at_once_gets_the_higher_ones_alert(
    client, court, engine, settings
):
    orphans_on(client, court, [date(2026, 11, 2)])
    assert scan_deadlines(engine, settings, date(2026, 11, 16))["orphan_ageing"] == 1
    [(_, subject)] = [a for a in watch_alerts(engine) if a[0] == "orphan_ageing"]
    assert subject.endswith(":age:10")


def test_a_scan_with_nothing_new_reads_no_orphan(client, court, engine, settings, monkeypatch):
    orphans_on(client, court, [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 20)])
    first = scan_deadlines(engine, settings, date(2026, 11, 26))
    assert (first["orphan_ageing"], first["identification_overdue"]) == (2, 3)
    read: list = []
    for name in ("orphans_not_alerted", "disbursements_not_alerted"):
        real = getattr(watch_store, name)

        def recorded(*args, _real=real, **kwargs):
            rows = _real(*args, **kwargs)
            read.extend(rows)
            return rows

        monkeypatch.setattr(watch_store, name, recorded)
    again = scan_deadlines(engine, settings, date(2026, 11, 26))
    assert not set(again) & set(WATCH_KINDS)
    assert read == []


def test_each_alert_the_watch_raises_is_audited_once_in_its_chunk(
    client, court, engine, settings, monkeypatch
):
    monkeypatch.setattr(watch, "CHUNK", 2)
    orphans_on(client, court, [date(2026, 11, 2)] * 5)
    scan_deadlines(engine, settings, date(2026, 11, 25))
    with engine.connect() as conn:
        raised = {
            kind: set(conn.execute(select(alerts.c.id).where(alerts.c.kind == kind)).scalars())
            for kind in ("orphan_ageing", "identification_overdue")
        }
        records = conn.execute(
            select(audit_records).where(audit_records.c.action == "watch.scanned")
        ).mappings()
        audited: dict[str, list[int]] = {}
        for record in records:
            assert record["court"] == court.code
            assert len(record["after"]["alert_ids"]) <= 2
            audited.setdefault(record["entity_id"], []).extend(record["after"]["alert_ids"])
    assert {kind: len(ids) for kind, ids in raised.items()} == {
        "orphan_ageing": 5,
        "identification_overdue": 5,
    }
    assert {kind: sorted(ids) for kind, ids in audited.items()} == {
        kind: sorted(ids) for kind, ids in raised.items()
    }


@pytest.mark.postgres
def test_two_scans_at_once_raise_and_audit_each_watch_alert_once(client, court, engine, settings):
    orphans_on(client, court, [date(2026, 11, 2) + timedelta(days=n % 9) for n in range(30)])
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(scan_deadlines(engine, settings, date(2026, 12, 8)))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.get("orphan_ageing", 0) for r in results) == 30
    assert sum(r.get("identification_overdue", 0) for r in results) == 30
    with engine.connect() as conn:
        ids = set(conn.execute(select(alerts.c.id).where(alerts.c.kind.in_(WATCH_KINDS))).scalars())
        records = conn.execute(
            select(audit_records.c.after).where(audit_records.c.action == "watch.scanned")
        ).scalars()
        audited = [i for after in records for i in after["alert_ids"]]
    assert len(ids) == 60
    assert sorted(audited) == sorted(ids)
