"""The clocks of art. 22 (issue #18) through the HTTP API, on the real 2026 calendar.

Money identified late from the orphan queue waits from the day it reached the bank; an
orphan has its own clock to be identified; the payment clock runs from the notice to
finance, the request's final approval by default.
"""

from datetime import date

import pytest

from reconcile.services.deadlines import scan_deadlines
from tests.integration import payments
from tests.integration.money import credit_case, on_day
from tests.integration.payments import PAYEE
from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people  # the payment tests' fixtures
__all__ = ["staff"]


@pytest.fixture
def orphan(client, court) -> dict:
    """An unidentifiable credit of 10,000.00 yuan booked on Monday 2026-03-02."""
    row = Row("2026-03-02", "10000.00", "北京远航物流有限公司", "0109014170001111", "还款")
    assert upload(client, court, csv_statement([row])).status_code == 201
    [line] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    return line


def post(client, court, path: str, body: dict, on: date):
    with on_day(on):
        response = client.post(f"/api/v1{path}", json=body, headers=court.headers("finance"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def notice_clock(client, court, case_id: int, as_of: str) -> dict:
    url = f"/api/v1/cases/{case_id}/deadlines?as_of={as_of}"
    shown = client.get(url, headers=court.headers("desk")).get_json()["deadlines"]
    [clock] = [c for c in shown if c["clock"] == "notice"]
    return clock


def test_an_orphan_assigned_late_waits_from_its_booking_day(
    client, court, engine, settings, register_case, orphan
):
    case = register_case()
    post(
        client,
        court,
        f"/transactions/{orphan['id']}/assign",
        {"case_id": case["id"], "reason": "付款人来电确认"},
        on=date(2026, 3, 12),
    )
    clock = notice_clock(client, court, case["id"], "2026-03-12")
    assert (clock["started_on"], clock["due"], clock["state"]) == (
        "2026-03-02",
        "2026-03-16",
        "due_soon",
    )
    # the scan reads the facts batch by batch: it sees the same deadline
    assert scan_deadlines(engine, settings, date(2026, 3, 16)).get("notice_overdue") is None
    assert scan_deadlines(engine, settings, date(2026, 3, 17))["notice_overdue"] == 1


def test_unassigning_and_reassigning_an_orphan_does_not_restart_its_clock(
    client, court, register_case, orphan
):
    wrong, right = register_case(), register_case()
    path = f"/transactions/{orphan['id']}"
    post(
        client,
        court,
        f"{path}/assign",
        {"case_id": wrong["id"], "reason": "确认"},
        date(2026, 3, 5),
    )
    post(client, court, f"{path}/unassign", {"reason": "分配错误"}, date(2026, 3, 12))
    post(
        client,
        court,
        f"{path}/assign",
        {"case_id": right["id"], "reason": "更正"},
        date(2026, 3, 12),
    )
    clock = notice_clock(client, court, right["id"], "2026-03-12")
    assert (clock["started_on"], clock["due"]) == ("2026-03-02", "2026-03-16")
    shown = client.get(
        f"/api/v1/cases/{wrong['id']}/deadlines?as_of=2026-03-12", headers=court.headers("desk")
    ).get_json()["deadlines"]
    assert shown == []


def test_a_split_part_waits_from_the_credits_booking_day(
    client, court, engine, settings, register_case, orphan
):
    a, b = register_case(), register_case()
    body = {
        "parts": [
            {"case_id": a["id"], "amount": "4000.00"},
            {"case_id": b["id"], "amount": "6000.00"},
        ],
        "reason": "被执行人一笔付两案，来函说明",
    }
    post(client, court, f"/transactions/{orphan['id']}/split", body, on=date(2026, 3, 12))
    for case, amount in ((a, "4000.00"), (b, "6000.00")):
        clock = notice_clock(client, court, case["id"], "2026-03-12")
        assert (clock["started_on"], clock["due"], clock["amount"]) == (
            "2026-03-02",
            "2026-03-16",
            amount,
        )
    assert scan_deadlines(engine, settings, date(2026, 3, 17))["notice_overdue"] == 2


def alerts_of(client, court, kind: str) -> list[dict]:
    response = client.get(
        "/api/v1/alerts", query_string={"kind": kind}, headers=court.headers("desk")
    )
    return response.get_json()["items"]


def test_an_orphan_unidentified_after_three_working_days_is_alerted_once(
    client, court, engine, settings, register_case, orphan
):
    # booked Monday 2026-03-02: to be identified by Thursday 2026-03-05
    assert scan_deadlines(engine, settings, date(2026, 3, 5)).get("identification_overdue", 0) == 0
    assert scan_deadlines(engine, settings, date(2026, 3, 6))["identification_overdue"] == 1
    assert scan_deadlines(engine, settings, date(2026, 3, 9)).get("identification_overdue", 0) == 0
    [alert] = alerts_of(client, court, "identification_overdue")
    assert (alert["transaction_id"], alert["severity"], alert["status"]) == (
        orphan["id"],
        "warning",
        "open",
    )
    assert (alert["facts"]["booked_on"], alert["facts"]["due"]) == ("2026-03-02", "2026-03-05")
    case = register_case()
    post(
        client,
        court,
        f"/transactions/{orphan['id']}/assign",
        {"case_id": case["id"], "reason": "付款人来电确认"},
        on=date(2026, 3, 9),
    )
    [alert] = alerts_of(client, court, "identification_overdue")
    assert alert["status"] == "resolved"
    assert scan_deadlines(engine, settings, date(2026, 3, 10)).get("identification_overdue", 0) == 0


def test_the_identification_window_is_configured_and_a_refund_resolves_it(
    client, court, engine, settings, orphan
):
    settings["orphans"]["identification_working_days"] = 5  # by Monday 2026-03-09
    assert scan_deadlines(engine, settings, date(2026, 3, 9)).get("identification_overdue", 0) == 0
    assert scan_deadlines(engine, settings, date(2026, 3, 10))["identification_overdue"] == 1
    post(
        client,
        court,
        f"/transactions/{orphan['id']}/refund",
        {"reason": "非本院案款，退回付款人"},
        on=date(2026, 3, 10),
    )
    [alert] = alerts_of(client, court, "identification_overdue")
    assert alert["status"] == "resolved"


@pytest.fixture
def with_review(settings) -> None:
    """Finance reviews each payment after its last level (财务复核)."""
    settings["approvals"]["finance_review"] = True


def request_payment(client, court, case_id: int, amount: str, on: date) -> dict:
    body = {"amount": amount, "payee_account_number": PAYEE, "note": "发放"}
    with on_day(on):
        response = client.post(
            f"/api/v1/cases/{case_id}/disbursements",
            json=body,
            headers=court.headers("enforcement"),
        )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def decide(client, path: str, body: dict, headers: dict, on: date) -> dict:
    with on_day(on):
        response = client.post(f"/api/v1{path}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def payment_clocks(client, court, case_id: int, as_of: str) -> list[dict]:
    url = f"/api/v1/cases/{case_id}/deadlines?as_of={as_of}"
    shown = client.get(url, headers=court.headers("desk")).get_json()["deadlines"]
    return [c for c in shown if c["clock"] == "payment"]


def test_the_payment_clock_runs_from_the_final_approval(
    client, court, engine, settings, register_case, people
):
    case = register_case()
    credit_case(engine, case["id"], 500_00, arrived_on=date(2026, 3, 2))
    made = request_payment(client, court, case["id"], "500.00", on=date(2026, 3, 5))
    assert payment_clocks(client, court, case["id"], "2026-03-09") == []
    approver = people("approver", "审批人")
    decide(client, f"/disbursements/{made['id']}/approve", {}, approver, on=date(2026, 3, 10))
    [clock] = payment_clocks(client, court, case["id"], "2026-03-13")
    assert (clock["disbursement_id"], clock["started_on"], clock["due"], clock["state"]) == (
        made["id"],
        "2026-03-10",
        "2026-03-17",
        "due_soon",
    )
    assert scan_deadlines(engine, settings, date(2026, 3, 12)).get("payment_due_soon") is None
    assert scan_deadlines(engine, settings, date(2026, 3, 13))["payment_due_soon"] == 1
    assert scan_deadlines(engine, settings, date(2026, 3, 17)).get("payment_overdue") is None
    assert scan_deadlines(engine, settings, date(2026, 3, 18))["payment_overdue"] == 1
    [soon] = alerts_of(client, court, "payment_due_soon")
    assert (soon["case_id"], soon["facts"]["due"], soon["severity"]) == (
        case["id"],
        "2026-03-17",
        "info",
    )


def test_finance_reviewing_later_does_not_move_the_payment_clock(
    with_review, client, court, engine, register_case, people
):
    case = register_case()
    credit_case(engine, case["id"], 500_00, arrived_on=date(2026, 3, 2))
    made = request_payment(client, court, case["id"], "500.00", on=date(2026, 3, 5))
    approver = people("approver", "审批人")
    step = decide(client, f"/disbursements/{made['id']}/approve", {}, approver, date(2026, 3, 10))
    assert step["status"] == "in_review"
    review = {"decision": "approve", "note": None}
    path = f"/disbursements/{made['id']}/review"
    decide(client, path, review, court.headers("finance"), on=date(2026, 3, 12))
    [clock] = payment_clocks(client, court, case["id"], "2026-03-12")
    assert (clock["started_on"], clock["due"]) == ("2026-03-10", "2026-03-17")


def test_the_payment_clock_may_run_from_the_request(
    client, court, engine, settings, register_case, people
):
    settings["deadlines"]["notice_to_finance"] = "request"
    case = register_case()
    credit_case(engine, case["id"], 500_00, arrived_on=date(2026, 3, 2))
    made = request_payment(client, court, case["id"], "500.00", on=date(2026, 3, 5))
    [clock] = payment_clocks(client, court, case["id"], "2026-03-09")
    assert (clock["started_on"], clock["due"]) == ("2026-03-05", "2026-03-12")
    approver = people("approver", "审批人")
    decide(client, f"/disbursements/{made['id']}/approve", {}, approver, date(2026, 3, 10))
    [clock] = payment_clocks(client, court, case["id"], "2026-03-10")
    assert clock["due"] == "2026-03-12"


def test_the_alert_page_tells_an_overdue_identification_in_chinese(
    client, court, engine, settings, staff, orphan
):
    scan_deadlines(engine, settings, date(2026, 3, 6))
    assert sign_in(client, staff("finance")).status_code == 302
    page = client.get("/alerts?kind=identification_overdue").get_data(as_text=True)
    assert "不明款未按时识别" in page
    assert "2026-03-02 收到 10000.00 元不明款，应于 2026-03-05 前识别" in page
