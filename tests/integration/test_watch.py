"""Unidentified funds that age, and payments no statement debit confirms, are alerted once."""

from datetime import date, timedelta

from reconcile.clock import local_today
from reconcile.services.deadlines import scan_deadlines
from tests.integration import payments
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people


def alerts(client, court, kind: str) -> list[dict]:
    response = client.get(
        "/api/v1/alerts", query_string={"kind": kind}, headers=court.headers("desk")
    )
    return response.get_json()["items"]


def test_an_orphan_is_alerted_at_each_ageing_threshold_once(client, court, engine, settings):
    upload(client, court, csv_statement([Row("2026-11-02", "88.00", "某人", "123", "货款")]))
    assert scan_deadlines(engine, settings, date(2026, 11, 6)).get("orphan_ageing", 0) == 0
    assert scan_deadlines(engine, settings, date(2026, 11, 9)).get("orphan_ageing", 0) == 1
    assert scan_deadlines(engine, settings, date(2026, 11, 10)).get("orphan_ageing", 0) == 0
    assert scan_deadlines(engine, settings, date(2026, 11, 16)).get("orphan_ageing", 0) == 1
    details = sorted(a["detail"] for a in alerts(client, court, "orphan_ageing"))
    assert [d.split("after ")[1] for d in details] == ["10 working days", "5 working days"]


def test_an_approved_payment_no_debit_confirms_is_alerted_once(
    client, court, engine, settings, register_case, people
):
    case = register_case()
    upload(
        client,
        court,
        csv_statement([Row("2026-11-02", "500.00", "", "", "", case["sub_account_number"])]),
    )
    made = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "500.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    ).get_json()
    client.post(
        f"/api/v1/disbursements/{made['id']}/approve", json={}, headers=people("approver", "审批人")
    )
    soon, later = local_today() + timedelta(days=1), local_today() + timedelta(days=21)
    assert scan_deadlines(engine, settings, soon).get("payment_unconfirmed", 0) == 0
    assert scan_deadlines(engine, settings, later).get("payment_unconfirmed", 0) == 1
    assert scan_deadlines(engine, settings, later).get("payment_unconfirmed", 0) == 0
    [alert] = alerts(client, court, "payment_unconfirmed")
    assert alert["case_id"] == case["id"]
