"""Alerts: raised once with their outbox row, listed per court, acknowledged and resolved."""

import re

import pytest
from sqlalchemy import func, select

from reconcile.actors import SYSTEM
from reconcile.db import alert_store, audit_log
from reconcile.db.tables_alerts import alerts, case_events
from tests.integration.alerting import delivery_rows, raise_many, raise_one, sample_facts

LOCAL_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_same_finding_is_raised_once_with_one_delivery(uow, engine, court):
    first = raise_one(uow, court.code, subject="transaction:42")
    again = raise_one(uow, court.code, subject="transaction:42")
    assert first is not None
    assert again is None
    assert count(engine, alerts) == 1
    assert [(d["alert_id"], d["status"]) for d in delivery_rows(engine)] == [(first, "pending")]
    with engine.connect() as conn:
        assert [r["action"] for r in audit_log.records_for(conn, "alert", str(first))] == [
            "alert.raised"
        ]


def test_the_same_subject_under_another_kind_is_another_finding(uow, engine, court):
    raise_one(uow, court.code, subject="transaction:7", kind="orphan_funds")
    raise_one(uow, court.code, subject="transaction:7", kind="orphan_ageing")
    assert count(engine, alerts) == 2


def test_a_cause_rolled_back_takes_its_alert_and_delivery_with_it(uow, engine, court):
    with uow() as u:
        alert_store.raise_alert(
            u,
            SYSTEM,
            kind="balance_mismatch",
            court=court.code,
            subject="x",
            facts=sample_facts("balance_mismatch"),
        )
        # no commit: the change that caused it failed
    assert count(engine, alerts) == 0
    assert delivery_rows(engine) == []


def test_bulk_raising_counts_only_new_findings_and_queues_each_once(uow, engine, court):
    def rows(*numbers):
        return [
            {
                "kind": "orphan_funds",
                "court": court.code,
                "subject": f"transaction:{n}",
                "facts": sample_facts("orphan_funds"),
            }
            for n in numbers
        ]

    with uow() as u:
        assert alert_store.raise_alerts_bulk(u.conn, rows(1, 2, 3, 3)) == 3
        u.commit()
    with uow() as u:
        assert alert_store.raise_alerts_bulk(u.conn, rows(3, 4)) == 1
        u.commit()
    with engine.connect() as conn:
        subjects = dict(conn.execute(select(alerts.c.id, alerts.c.subject)).all())
    assert sorted(subjects.values()) == [f"transaction:{n}" for n in (1, 2, 3, 4)]
    assert sorted(d["alert_id"] for d in delivery_rows(engine)) == sorted(subjects)


def test_a_case_event_is_stored_and_queued_for_the_courts_subscriber(uow, engine, register_case):
    case = register_case()
    with uow() as u:
        alert_store.emit_case_event(
            u,
            court=case["court"],
            case_id=case["id"],
            event="money_received",
            facts={"amount": "500.00"},
        )
        u.commit()
    assert count(engine, case_events) == 1
    assert [(d["topic"], d["case_event_id"]) for d in delivery_rows(engine)] == [("case_event", 1)]


def test_the_desk_lists_its_courts_alerts_with_the_contract_fields(
    client, uow, court, other_court, register_case
):
    case = register_case()
    mine = raise_one(uow, court.code, case_id=case["id"], transaction_id=9)
    raise_one(uow, other_court.code)
    response = client.get("/api/v1/alerts", headers=court.headers("desk"))
    assert response.status_code == 200
    [item] = response.get_json()["items"]
    assert item["id"] == mine
    assert item["kind"] == "orphan_funds"
    assert item["severity"] == "warning"
    assert (item["court"], item["case_id"], item["transaction_id"]) == (court.code, case["id"], 9)
    assert LOCAL_TIME.match(item["raised_at"])
    assert item["status"] == "open"
    assert item["delivery"]["status"] == "pending"


def test_parties_account_numbers_never_reach_the_alert(client, uow, court):
    alert_id = raise_one(uow, court.code)
    item = client.get(f"/api/v1/alerts/{alert_id}", headers=court.headers("desk")).get_json()
    assert item["facts"]["counterparty_account"] == "6222 **** **** 3445"
    assert "6222020200112233445" not in item["detail"]


def test_another_courts_alert_answers_404(client, uow, court, other_court):
    theirs = raise_one(uow, other_court.code)
    for path in ("", "/acknowledge"):
        method = client.get if not path else client.post
        kwargs = {"json": {"note": "x"}} if path else {}
        response = method(
            f"/api/v1/alerts/{theirs}{path}", headers=court.headers("admin"), **kwargs
        )
        assert response.status_code == 404


def test_alerts_filter_by_kind_status_and_case_and_page_by_cursor(
    client, uow, court, register_case
):
    case = register_case()
    first_three = raise_many(uow, court.code, 3)
    debit = raise_one(uow, court.code, kind="unauthorised_debit", case_id=case["id"])
    headers = court.headers("finance")

    def ids(query):
        return [
            a["id"] for a in client.get(f"/api/v1/alerts?{query}", headers=headers).json["items"]
        ]

    assert ids("kind=unauthorised_debit") == [debit]
    assert ids(f"case_id={case['id']}") == [debit]
    assert ids("status=resolved") == []
    first = client.get("/api/v1/alerts?limit=2", headers=headers).get_json()
    rest = client.get(f"/api/v1/alerts?limit=2&cursor={first['next_cursor']}", headers=headers)
    assert [a["id"] for a in first["items"] + rest.get_json()["items"]] == [*first_three, debit]


def test_an_unknown_kind_in_the_filter_is_422(client, court):
    response = client.get("/api/v1/alerts?kind=nonsense", headers=court.headers("desk"))
    assert response.status_code == 422


def test_an_alert_is_acknowledged_then_resolved_with_notes_and_audited(client, uow, engine, court):
    alert_id = raise_one(uow, court.code)
    ack = client.post(
        f"/api/v1/alerts/{alert_id}/acknowledge",
        json={"note": "calling the bank"},
        headers=court.headers("desk"),
    )
    assert ack.status_code == 200
    assert (ack.json["status"], ack.json["acknowledge_note"]) == (
        "acknowledged",
        "calling the bank",
    )
    assert ack.json["acknowledged_by"] == "desk"
    done = client.post(
        f"/api/v1/alerts/{alert_id}/resolve",
        json={"note": "assigned to case 5"},
        headers=court.headers("finance"),
    )
    assert done.status_code == 200
    assert done.json["status"] == "resolved"
    assert LOCAL_TIME.match(done.json["resolved_at"])
    with engine.connect() as conn:
        records = audit_log.records_for(conn, "alert", str(alert_id))
    assert [r["action"] for r in records] == [
        "alert.raised",
        "alert.acknowledged",
        "alert.resolved",
    ]
    assert records[2]["after"] == {"status": "resolved", "note": "assigned to case 5"}


def test_a_resolved_alert_cannot_be_acknowledged(client, uow, court):
    alert_id = raise_one(uow, court.code)
    headers = court.headers("desk")
    client.post(f"/api/v1/alerts/{alert_id}/resolve", json={"note": "done"}, headers=headers)
    response = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={}, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["code"] == "illegal_transition"


def test_resolving_needs_a_note(client, uow, court):
    alert_id = raise_one(uow, court.code)
    response = client.post(
        f"/api/v1/alerts/{alert_id}/resolve", json={"note": ""}, headers=court.headers("desk")
    )
    assert response.status_code == 422
    assert "note" in response.get_json()["errors"]


@pytest.mark.parametrize(("role", "status"), [("approver", 200), ("enforcement", 403)])
def test_only_desk_finance_approvers_and_admin_move_alerts(client, uow, court, role, status):
    alert_id = raise_one(uow, court.code)
    headers = court.headers(role)
    assert client.get(f"/api/v1/alerts/{alert_id}", headers=headers).status_code == 200
    response = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={}, headers=headers)
    assert response.status_code == status


def test_alerts_need_a_token(client):
    assert client.get("/api/v1/alerts").status_code == 401


def test_delivery_health_counts_what_waits_for_the_desk(client, uow, court):
    raise_many(uow, court.code, 2)
    response = client.get("/api/v1/alerts/delivery-health", headers=court.headers("desk"))
    assert response.status_code == 200
    health = response.get_json()
    assert (health["status"], health["pending"], health["dead"]) == ("ok", 2, 0)
    assert LOCAL_TIME.match(health["oldest_pending_at"])
    assert health["by_topic"] == {"alert": {"pending": 2}}


def test_the_openapi_document_describes_the_alert_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/alerts",
        "/api/v1/alerts/{alert_id}",
        "/api/v1/alerts/{alert_id}/acknowledge",
        "/api/v1/alerts/{alert_id}/resolve",
        "/api/v1/alerts/delivery-health",
    ):
        assert path in paths


def test_resolving_a_finding_by_its_subject_resolves_its_open_alert_once(uow, engine, court, admin):
    alert_id = raise_one(uow, court.code, subject="transaction:77")
    for expected in (alert_id, None):
        with uow() as u:
            resolved = alert_store.resolve_by_subject(
                u, admin, kind="orphan_funds", subject="transaction:77", note="assigned"
            )
            u.commit()
        assert resolved == expected
    with engine.connect() as conn:
        actions = [r["action"] for r in audit_log.records_for(conn, "alert", str(alert_id))]
    assert actions == ["alert.raised", "alert.resolved"]
