"""Supervision (art. 8): owners and due times, escalation past them, finance's own
operations closed by others, and accounts whose statements stopped coming."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from reconcile.db.tables import collection_accounts
from reconcile.db.tables_alerts import alerts
from reconcile.services import supervision
from reconcile.services.deadlines import calendar_from
from tests.integration.alerting import delivery_rows, raise_one

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def raised_hours_before(engine, alert_id: int, hours: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(alerts)
            .where(alerts.c.id == alert_id)
            .values(raised_at=NOW - timedelta(hours=hours))
        )


def escalations(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(alerts).where(alerts.c.kind == "alert_escalated").order_by(alerts.c.id)
        )
        return [dict(r._mapping) for r in rows]


def resolve(client, court, role: str, alert_id: int):
    return client.post(
        f"/api/v1/alerts/{alert_id}/resolve",
        json={"note": "已核实"},
        headers=court.headers(role),
    )


@pytest.mark.parametrize("kind", ["unauthorised_debit", "unmatched_debit", "balance_mismatch"])
def test_finance_may_acknowledge_but_not_resolve_its_own_operations(client, uow, court, kind):
    alert_id = raise_one(uow, court.code, kind=kind)
    acknowledged = client.post(
        f"/api/v1/alerts/{alert_id}/acknowledge", json={}, headers=court.headers("finance")
    )
    assert acknowledged.status_code == 200
    refused = resolve(client, court, "finance", alert_id)
    assert refused.status_code == 403
    assert "supervisor" in refused.get_json()["detail"]
    assert resolve(client, court, "approver", alert_id).status_code == 200


def test_finance_resolves_other_alerts_and_the_desk_resolves_finances(client, uow, court):
    orphan = raise_one(uow, court.code, kind="orphan_funds")
    debit = raise_one(uow, court.code, kind="unmatched_debit")
    assert resolve(client, court, "finance", orphan).status_code == 200
    assert resolve(client, court, "desk", debit).status_code == 200


def test_an_alert_shows_its_owner_and_due_time(client, uow, court):
    debit = raise_one(uow, court.code, kind="unmatched_debit")
    orphan = raise_one(uow, court.code, kind="orphan_funds")
    notice = raise_one(uow, court.code, kind="notice_due_soon")
    shown = {
        a["id"]: a
        for a in client.get("/api/v1/alerts", headers=court.headers("desk")).get_json()["items"]
    }
    assert shown[debit]["owner"] == "approver"
    assert shown[orphan]["owner"] == "finance"
    assert shown[notice]["owner"] == "enforcement" and shown[notice]["due_at"] is None

    def due_after_raised(alert_id):
        alert = shown[alert_id]
        return datetime.fromisoformat(alert["due_at"]) - datetime.fromisoformat(alert["raised_at"])

    assert due_after_raised(debit) == timedelta(hours=24)
    assert due_after_raised(orphan) == timedelta(hours=72)
    client.post(f"/api/v1/alerts/{orphan}/acknowledge", json={}, headers=court.headers("finance"))
    taken = client.get(f"/api/v1/alerts/{orphan}", headers=court.headers("desk")).get_json()
    assert taken["owner"] == "finance" and taken["acknowledged_by"] == taken["owner"]


def test_alerts_unresolved_past_due_are_escalated_once(engine, uow, court, settings):
    critical = raise_one(uow, court.code, kind="unmatched_debit")
    fresh_critical = raise_one(uow, court.code, kind="unauthorised_debit")
    warning = raise_one(uow, court.code, kind="orphan_funds")
    info = raise_one(uow, court.code, kind="notice_due_soon")
    raised_hours_before(engine, critical, 25)
    raised_hours_before(engine, fresh_critical, 23)
    raised_hours_before(engine, warning, 71)
    raised_hours_before(engine, info, 1000)
    assert supervision.escalate_overdue(engine, settings, NOW) == 1
    assert supervision.escalate_overdue(engine, settings, NOW) == 0
    (escalated,) = escalations(engine)
    assert escalated["facts"]["alert_id"] == critical
    assert escalated["facts"]["owner"] == "approver"
    assert escalated["severity"] == "critical"
    # it reaches the desk as any alert does
    assert escalated["id"] in [d["alert_id"] for d in delivery_rows(engine)]
    later = NOW + timedelta(hours=2)
    assert supervision.escalate_overdue(engine, settings, later) == 2  # warning, fresh critical
    assert {e["facts"]["alert_id"] for e in escalations(engine)} == {
        critical,
        fresh_critical,
        warning,
    }


def test_resolving_an_alert_resolves_its_escalation(client, engine, uow, court, settings):
    critical = raise_one(uow, court.code, kind="unmatched_debit")
    raised_hours_before(engine, critical, 30)
    supervision.escalate_overdue(engine, settings, NOW)
    assert resolve(client, court, "desk", critical).status_code == 200
    (escalated,) = escalations(engine)
    assert escalated["status"] == "resolved"
    assert escalated["resolve_note"] == f"alert {critical} resolved"


def statement_alerts(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(alerts).where(alerts.c.kind == "statement_missing"))
        return [dict(r._mapping) for r in rows]


def registered_on(engine, day: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(update(collection_accounts).values(created_at=day))


def test_an_account_silent_for_three_working_days_raises_statement_missing(engine, court, settings):
    calendar = calendar_from(settings)
    # registered Monday 2026-03-02 (court time); three working days later is Thursday
    registered_on(engine, datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    scan = supervision.scan_statement_silence
    assert scan(engine, settings, calendar, date(2026, 3, 5)) == 0
    assert scan(engine, settings, calendar, date(2026, 3, 6)) == 1
    assert scan(engine, settings, calendar, date(2026, 3, 9)) == 0  # the same silence
    (missing,) = statement_alerts(engine)
    assert missing["facts"]["last_day"] == "2026-03-02"
    assert missing["facts"]["working_days"] == 4
    assert missing["facts"]["account"] == court.account


def test_a_statement_that_comes_resolves_the_silence(
    engine, client, court, settings, register_case, tmp_path
):
    from tests.integration.statement_files import Row, csv_statement

    calendar = calendar_from(settings)
    registered_on(engine, datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    supervision.scan_statement_silence(engine, settings, calendar, date(2026, 3, 9))
    case = register_case()
    row = Row(
        "2026-03-09",
        "100.00",
        "张伟",
        "6222020200112233445",
        "执行款",
        case["sub_account_number"],
        "B1",
    )
    path = tmp_path / "s.csv"
    path.write_bytes(csv_statement([row]))
    with path.open("rb") as f:
        imported = client.post(
            "/api/v1/statements",
            data={"file": (f, "s.csv"), "account": court.account},
            headers=court.headers("finance"),
        )
    assert imported.status_code == 201, imported.get_json()
    assert supervision.scan_statement_silence(engine, settings, calendar, date(2026, 3, 10)) == 0
    (missing,) = statement_alerts(engine)
    assert missing["status"] == "resolved"
