"""An expected receipt that never comes (art. 20, issue #18): nothing matched by `expected_by`
+ 3 working days raises one critical `expected_receipt_missing` alert to the desk; the credit
that brings it resolves it. Through the HTTP API, on the real 2026 calendar."""

from datetime import date

from reconcile.services.deadlines import scan_deadlines as scan
from tests.integration.money import on_day
from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

MISSING = "expected_receipt_missing"
__all__ = ["staff"]  # the staff pages' fixture


def register(client, court, case_id: int, on: date, **body) -> dict:
    with on_day(on):
        response = client.post(
            f"/api/v1/cases/{case_id}/expected-receipts",
            json=body,
            headers=court.headers("enforcement"),
        )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def missing(client, court) -> list[dict]:
    response = client.get(
        "/api/v1/alerts",
        query_string={"kind": "expected_receipt_missing"},
        headers=court.headers("desk"),
    )
    return response.get_json()["items"]


def test_a_deduction_not_here_three_working_days_after_it_was_expected_is_alerted_once(
    client, court, engine, settings, register_case
):
    case = register_case()
    # expected by Monday 2026-03-02: it may come until Thursday 2026-03-05
    receipt = register(
        client, court, case["id"], date(2026, 3, 2), source="network_deduction",
        reference="KH2026030200099", amount="1200.00", expected_by="2026-03-02",
    )  # fmt: skip
    assert receipt["status"] == "expected"
    assert scan(engine, settings, date(2026, 3, 5)).get(MISSING) is None
    assert scan(engine, settings, date(2026, 3, 6))[MISSING] == 1
    assert scan(engine, settings, date(2026, 3, 9)).get(MISSING) is None
    [alert] = missing(client, court)
    assert (alert["case_id"], alert["severity"], alert["status"], alert["owner"]) == (
        case["id"],
        "critical",
        "open",
        "desk",
    )
    assert (alert["facts"]["expected_by"], alert["facts"]["due"], alert["facts"]["amount"]) == (
        "2026-03-02",
        "2026-03-05",
        "1200.00",
    )
    # the money comes at last: the import places it, the next scan resolves the alert
    row = Row("2026-03-09", "1200.00", "某银行", "0200009999000001", "扣划 KH2026030200099")
    with on_day(date(2026, 3, 10)):
        assert upload(client, court, csv_statement([row])).status_code == 201
    scan(engine, settings, date(2026, 3, 10))
    [alert] = missing(client, court)
    assert alert["status"] == "resolved"


def test_the_window_is_configured_and_a_receipt_placed_at_registration_is_never_missing(
    client, court, engine, settings, register_case
):
    settings["deadlines"]["expected_receipt_working_days"] = 5  # by Monday 2026-03-09
    case = register_case()
    register(
        client, court, case["id"], date(2026, 3, 2), source="auction", reference="PM-7",
        amount="300.00", expected_by="2026-03-02",
    )  # fmt: skip
    row = Row("2026-03-03", "450.00", "拍卖平台", "0200009999000002", "拍卖款 PM-8")
    with on_day(date(2026, 3, 3)):
        assert upload(client, court, csv_statement([row])).status_code == 201
    here = register(
        client, court, case["id"], date(2026, 3, 3), source="auction", reference="PM-8",
        amount="450.00", expected_by="2026-03-02",
    )  # fmt: skip
    assert here["status"] == "received"
    assert scan(engine, settings, date(2026, 3, 9)).get(MISSING) is None
    assert scan(engine, settings, date(2026, 3, 10))[MISSING] == 1
    [alert] = missing(client, court)
    assert alert["facts"]["reference"] == "PM-7"


def test_the_alert_page_tells_a_missing_receipt_in_chinese(
    client, court, engine, settings, register_case, staff
):
    case = register_case()
    register(
        client, court, case["id"], date(2026, 3, 2), source="entrusted_court",
        reference="WT-2026-5", amount="800.00", expected_by="2026-03-02",
    )  # fmt: skip
    scan(engine, settings, date(2026, 3, 6))
    assert sign_in(client, staff("finance")).status_code == 302
    page = client.get(f"/alerts?kind={MISSING}").get_data(as_text=True)
    assert "待到账款未到账" in page
    assert f"案件 {case['case_number']} 登记的待到账款" in page
    assert "（800.00 元，预计 2026-03-02 前到账）至 2026-03-05 仍未到达专户" in page
