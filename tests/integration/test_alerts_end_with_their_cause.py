"""Alerts whose cause is gone are resolved by the service (#19): an orphan's ageing alerts
(one per threshold) when it is assigned or refunded, a rejected refund's alert when the
orphan is placed after all, a payment's deadline and unconfirmed alerts once it is paid."""

from __future__ import annotations

from datetime import date, timedelta

from reconcile.clock import local_today
from reconcile.services.deadlines import scan_deadlines
from tests.integration import court_flow
from tests.integration.court_flow import PAYEE
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_case_page_actions import flow  # noqa: F401

settings = court_flow.settings
funded = court_flow.funded


def alerts(client, court, kind: str) -> list[dict]:
    response = client.get(
        "/api/v1/alerts", query_string={"kind": kind, "limit": 100}, headers=court.headers("desk")
    )
    return response.get_json()["items"]


def statuses(client, court, kind: str) -> list[str]:
    return sorted(a["status"] for a in alerts(client, court, kind))


def aged_orphan(client, court, engine, settings) -> dict:
    upload(
        client,
        court,
        csv_statement([Row("2026-11-02", "88.00", "某人", "6217000011112222333", "货款")]),
    )
    scan_deadlines(engine, settings, date(2026, 11, 9))
    scan_deadlines(engine, settings, date(2026, 11, 16))
    assert statuses(client, court, "orphan_ageing") == ["open", "open"]  # two thresholds
    return client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][0]


def test_assigning_an_aged_orphan_resolves_every_ageing_alert_of_it(
    client, court, engine, settings, register_case
):
    case = register_case()
    orphan = aged_orphan(client, court, engine, settings)
    answer = client.post(
        f"/api/v1/transactions/{orphan['id']}/assign",
        json={"case_id": case["id"], "reason": "付款人来电确认"},
        headers=court.headers("finance"),
    )
    assert answer.status_code == 200, answer.get_json()
    ageing = alerts(client, court, "orphan_ageing")
    assert [a["status"] for a in ageing] == ["resolved", "resolved"]
    assert statuses(client, court, "orphan_funds") == ["resolved"]


def test_refunding_an_aged_orphan_resolves_its_ageing_alerts(client, court, engine, settings):
    orphan = aged_orphan(client, court, engine, settings)
    client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    )
    assert statuses(client, court, "orphan_ageing") == ["resolved", "resolved"]


def test_a_rejected_refunds_alert_is_resolved_when_the_orphan_is_placed_after_all(
    client,
    court,
    engine,
    settings,
    register_case,
    flow,  # noqa: F811
):
    case = register_case()
    upload(
        client,
        court,
        csv_statement([Row("2026-11-16", "66.00", "某人", "6217000011112222333", "货款")]),
    )
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][0]
    refund = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    ).get_json()
    rejected = client.post(
        f"/api/v1/disbursements/{refund['refund_disbursement_id']}/reject",
        json={"note": "付款人身份未核实"},
        headers=flow.director,
    )
    assert rejected.status_code == 200, rejected.get_json()
    assert statuses(client, court, "orphan_funds") == ["open", "resolved"]
    client.post(
        f"/api/v1/transactions/{orphan['id']}/assign",
        json={"case_id": case["id"], "reason": "执行法官确认"},
        headers=court.headers("finance"),
    )
    assert statuses(client, court, "orphan_funds") == ["resolved", "resolved"]


def test_a_paid_payment_resolves_its_overdue_and_unconfirmed_alerts(
    client,
    court,
    engine,
    settings,
    funded,
    flow,  # noqa: F811
):
    case = funded(10_000_00)
    made = court_flow.approved(client, flow, case["id"], "4000.00")
    late = local_today() + timedelta(days=30)
    scan_deadlines(engine, settings, late)
    assert statuses(client, court, "payment_overdue") == ["open"]
    assert statuses(client, court, "payment_unconfirmed") == ["open"]
    marked = client.post(
        f"/api/v1/disbursements/{made['id']}/mark-paid",
        json={"bank_reference": "B-77", "paid_on": local_today().isoformat()},
        headers=flow.finance,
    )
    assert marked.status_code == 200, marked.get_json()
    # marking it paid does not stop the clock (#18): both stay until the statement confirms it
    assert statuses(client, court, "payment_overdue") == ["open"]
    assert statuses(client, court, "payment_unconfirmed") == ["open"]
    statement = csv_statement(
        [Row(local_today().isoformat(), "-4000.00", "北京华信商贸有限公司", PAYEE,
             f"执行款 {made['reference']}", reference="B-77")],
        opening="100000.00",
    )  # fmt: skip
    assert upload(client, court, statement).get_json()["debits_reconciled"] == 1
    unconfirmed = alerts(client, court, "payment_unconfirmed")
    assert [a["status"] for a in unconfirmed] == ["resolved"]
    assert statuses(client, court, "payment_overdue") == ["resolved"]


def test_an_ageing_alert_of_another_line_with_a_longer_id_is_left_alone(
    client, court, engine, settings, register_case
):
    """`transaction:1:` must not end `transaction:12:…`: the prefix ends at the colon."""
    case = register_case()
    rows = [
        Row("2026-11-02", f"{n}.00", "某人", "6217000011112222333", "货款") for n in range(1, 13)
    ]
    upload(client, court, csv_statement(rows))
    scan_deadlines(engine, settings, date(2026, 11, 9))
    orphans = client.get(
        "/api/v1/transactions",
        query_string={"status": "orphan", "limit": 100},
        headers=court.headers("finance"),
    ).get_json()["items"]
    first = min(orphans, key=lambda line: line["id"])
    client.post(
        f"/api/v1/transactions/{first['id']}/assign",
        json={"case_id": case["id"], "reason": "确认"},
        headers=court.headers("finance"),
    )
    ageing = alerts(client, court, "orphan_ageing")
    resolved = [a["transaction_id"] for a in ageing if a["status"] == "resolved"]
    assert resolved == [first["id"]]
    assert sum(a["status"] == "open" for a in ageing) == 11
