"""Deferrals, holds and mark-paid against the clocks of art. 22 (issue #18), through the HTTP
API on the real 2026 calendar.

A deferral names its end or its review day, and `deferral_review_due` fires on that day; one
requested after the clock it pauses was due is `late` and alerted; a deferral of an amount
pauses only that money. A hold placed after a payment request pauses the payment clock of
the notice it covers; mark-paid keeps the clock running until a statement debit confirms
the payment.
"""

from datetime import date, timedelta

import pytest

from reconcile.clock import local_today
from reconcile.services.deadlines import scan_deadlines
from tests.integration import payments
from tests.integration.money import credit_case, on_day
from tests.integration.payments import PAYEE
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people  # the payment tests' fixtures
__all__ = ["staff"]  # the staff pages' fixture

GROUND = {"ground": "申请执行人下落不明", "document_reference": "（2026）京0105执1号之二"}


def call(client, path: str, body: dict | None, headers: dict, on: date, status: int = 200):
    with on_day(on):
        response = client.post(f"/api/v1{path}", json=body or {}, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def request_deferral(client, court, case_id: int, on: date, status: int = 201, **body) -> dict:
    path = f"/cases/{case_id}/deferrals"
    return call(client, path, {**GROUND, **body}, court.headers("enforcement"), on, status)


def approve_deferral(client, court, deferral_id: int, on: date) -> dict:
    return call(client, f"/deferrals/{deferral_id}/approve", {}, court.headers("approver"), on)


def clocks(client, court, case_id: int, as_of: str, kind: str) -> list[dict]:
    url = f"/api/v1/cases/{case_id}/deadlines?as_of={as_of}"
    shown = client.get(url, headers=court.headers("desk")).get_json()["deadlines"]
    return [c for c in shown if c["clock"] == kind]


def alerts_of(client, court, kind: str) -> list[dict]:
    response = client.get(
        "/api/v1/alerts", query_string={"kind": kind}, headers=court.headers("desk")
    )
    return response.get_json()["items"]


# ---- deferrals: an end or a review day; late; of an amount ----


def test_a_deferral_without_an_end_or_a_review_day_is_refused(client, court, register_case):
    case = register_case()
    refused = request_deferral(client, court, case["id"], date(2026, 3, 4), status=422)
    assert refused["code"] == "validation_error"
    assert "review_on" in str(refused)
    past = request_deferral(
        client, court, case["id"], date(2026, 3, 4), status=422, review_on="2026-03-03"
    )
    assert past["code"] == "validation_error"
    shown = client.get(
        f"/api/v1/cases/{case['id']}/deferrals", headers=court.headers("desk")
    ).get_json()
    assert shown["items"] == []
    with_end = request_deferral(client, court, case["id"], date(2026, 3, 4), until="2026-04-30")
    assert (with_end["until"], with_end["review_on"], with_end["late"]) == (
        "2026-04-30",
        None,
        False,
    )


def test_the_review_day_raises_deferral_review_due_once_and_ending_it_resolves_it(
    client, court, engine, settings, register_case
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 3, 2))
    made = request_deferral(client, court, case["id"], date(2026, 3, 4), review_on="2026-03-20")
    assert (made["review_on"], made["amount"], made["late"]) == ("2026-03-20", None, False)
    approve_deferral(client, court, made["id"], date(2026, 3, 4))
    assert scan_deadlines(engine, settings, date(2026, 3, 19)).get("deferral_review_due") is None
    assert scan_deadlines(engine, settings, date(2026, 3, 20))["deferral_review_due"] == 1
    assert scan_deadlines(engine, settings, date(2026, 3, 23)).get("deferral_review_due") is None
    [alert] = alerts_of(client, court, "deferral_review_due")
    assert (alert["case_id"], alert["severity"], alert["status"]) == (case["id"], "warning", "open")
    assert (alert["facts"]["deferral_id"], alert["facts"]["review_on"]) == (
        made["id"],
        "2026-03-20",
    )
    call(
        client,
        f"/deferrals/{made['id']}/end",
        None,
        court.headers("enforcement"),
        date(2026, 3, 23),
    )
    [alert] = alerts_of(client, court, "deferral_review_due")
    assert alert["status"] == "resolved"


def test_a_deferral_requested_after_the_notice_was_due_is_late_and_alerted(
    client, court, engine, register_case
):
    on_time, late = register_case(), register_case()
    for case in (on_time, late):
        credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 3, 2))
    # the notice is due Monday 2026-03-16: asking that day is in time, the next day is late
    first = request_deferral(client, court, on_time["id"], date(2026, 3, 16), until="2026-04-30")
    second = request_deferral(client, court, late["id"], date(2026, 3, 17), until="2026-04-30")
    assert (first["late"], second["late"]) == (False, True)
    [alert] = alerts_of(client, court, "deferral_late")
    assert (alert["case_id"], alert["severity"]) == (late["id"], "warning")
    assert (alert["facts"]["deferral_id"], alert["facts"]["due"], alert["facts"]["clock"]) == (
        second["id"],
        "2026-03-16",
        "notice",
    )
    assert alert["owner"] == "desk"
    # approved, it pauses the clock from then on, but the deadline missed stays missed
    approve_deferral(client, court, second["id"], date(2026, 3, 17))
    [notice] = clocks(client, court, late["id"], "2026-03-18", "notice")
    assert (notice["state"], notice["due"]) == ("overdue", "2026-03-16")


def test_a_deferral_of_an_amount_pauses_only_that_money(
    client, court, engine, register_case, people
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 3, 2))
    made = request_deferral(
        client, court, case["id"], date(2026, 3, 4), amount="4000.00", review_on="2026-03-31"
    )
    assert made["amount"] == "4000.00"
    approve_deferral(client, court, made["id"], date(2026, 3, 4))
    [notice] = clocks(client, court, case["id"], "2026-03-10", "notice")
    assert (notice["started_on"], notice["amount"], notice["due"]) == (
        "2026-03-02",
        "6000.00",
        "2026-03-16",
    )
    # a notice for the rest stops clock 1; the deferral does not pause clock 2
    body = {"amount": "6000.00", "payee_account_number": PAYEE, "note": "发放"}
    payment = call(
        client,
        f"/cases/{case['id']}/disbursements",
        body,
        court.headers("enforcement"),
        date(2026, 3, 10),
        201,
    )
    call(
        client,
        f"/disbursements/{payment['id']}/approve",
        {},
        people("approver", "审批人"),
        date(2026, 3, 10),
    )
    assert clocks(client, court, case["id"], "2026-03-12", "notice") == []
    [pay] = clocks(client, court, case["id"], "2026-03-12", "payment")
    assert (pay["due"], pay["state"]) == ("2026-03-17", "running")
    # ended on Friday 2026-03-20, the 4000.00 waits again from then
    call(
        client,
        f"/deferrals/{made['id']}/end",
        None,
        court.headers("enforcement"),
        date(2026, 3, 20),
    )
    [notice] = clocks(client, court, case["id"], "2026-03-23", "notice")
    assert (notice["started_on"], notice["amount"], notice["due"]) == (
        "2026-03-20",
        "4000.00",
        "2026-04-03",
    )


# ---- a hold placed after a payment request pauses that payment's clock ----


@pytest.fixture
def approved_payment(client, court, engine, register_case, people):
    """10,000.00 arrived 2026-03-02; a payment of all of it requested 2026-03-05 and finally
    approved 2026-03-10: payment due 2026-03-17."""

    def make(amount: str = "10000.00") -> tuple[dict, dict]:
        case = register_case()
        credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 3, 2))
        body = {"amount": amount, "payee_account_number": PAYEE, "note": "发放"}
        path = f"/cases/{case['id']}/disbursements"
        made = call(client, path, body, court.headers("enforcement"), date(2026, 3, 5), 201)
        approver = people("approver", "审批人")
        call(client, f"/disbursements/{made['id']}/approve", {}, approver, date(2026, 3, 10))
        return case, made

    return make


def place_hold(client, court, case_id: int, amount: str, on: date) -> dict:
    body = {"amount": amount, "reason": "案外人异议", "document_reference": "（2026）京0105执异3号"}
    return call(client, f"/cases/{case_id}/holds", body, court.headers("enforcement"), on, 201)


def test_a_hold_placed_after_the_request_covering_it_pauses_the_payment_clock(
    client, court, engine, settings, approved_payment
):
    case, made = approved_payment()
    hold = place_hold(client, court, case["id"], "10000.00", date(2026, 3, 11))
    [clock] = clocks(client, court, case["id"], "2026-03-18", "payment")
    assert (clock["disbursement_id"], clock["state"], clock["due"]) == (made["id"], "paused", None)
    assert scan_deadlines(engine, settings, date(2026, 3, 18)).get("payment_overdue") is None
    # released Friday 2026-03-13: 03-11..03-13 paused, then five working days from 03-16
    call(
        client,
        f"/holds/{hold['id']}/release",
        {},
        court.headers("enforcement"),
        date(2026, 3, 13),
    )
    [clock] = clocks(client, court, case["id"], "2026-03-16", "payment")
    assert (clock["state"], clock["due"]) == ("running", "2026-03-20")


def test_a_hold_covering_part_of_the_request_leaves_the_rest_running(
    client, court, approved_payment
):
    case, _ = approved_payment()
    place_hold(client, court, case["id"], "4000.00", date(2026, 3, 11))
    [clock] = clocks(client, court, case["id"], "2026-03-12", "payment")
    assert (clock["amount"], clock["due"]) == ("6000.00", "2026-03-17")


def test_a_hold_placed_before_the_request_does_not_pause_it(
    client, court, engine, register_case, people
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 3, 2))
    place_hold(client, court, case["id"], "4000.00", date(2026, 3, 3))
    body = {"amount": "6000.00", "payee_account_number": PAYEE, "note": "发放"}
    path = f"/cases/{case['id']}/disbursements"
    made = call(client, path, body, court.headers("enforcement"), date(2026, 3, 5), 201)
    approver = people("approver", "审批人")
    call(client, f"/disbursements/{made['id']}/approve", {}, approver, date(2026, 3, 10))
    [clock] = clocks(client, court, case["id"], "2026-03-12", "payment")
    assert (clock["amount"], clock["due"]) == ("6000.00", "2026-03-17")


# ---- mark-paid keeps the clock running until the statement debit confirms it ----


def mark_paid(client, court, made: dict, on: date) -> dict:
    body = {"bank_reference": "B-18", "paid_on": on.isoformat()}
    return call(
        client, f"/disbursements/{made['id']}/mark-paid", body, court.headers("finance"), on
    )


def test_a_payment_marked_paid_keeps_its_clock_until_a_debit_confirms_it(
    client, court, engine, settings, approved_payment, staff
):
    case, made = approved_payment("500.00")
    assert mark_paid(client, court, made, date(2026, 3, 12))["status"] == "marked_paid"
    [clock] = clocks(client, court, case["id"], "2026-03-13", "payment")
    assert (clock["due"], clock["state"], clock["awaiting_confirmation"]) == (
        "2026-03-17",
        "due_soon",
        True,
    )
    assert clock["marked_paid_on"] == "2026-03-12"
    assert scan_deadlines(engine, settings, date(2026, 3, 18))["payment_overdue"] == 1
    [alert] = alerts_of(client, court, "payment_overdue")
    assert (
        "marked paid on 2026-03-12: awaiting confirmation by a statement debit" in (alert["detail"])
    )
    assert alert["facts"]["marked_paid_on"] == "2026-03-12"
    assert sign_in(client, staff("finance")).status_code == 302
    page = client.get("/alerts?kind=payment_overdue").get_data(as_text=True)
    assert "应于 2026-03-17 前发放；已于 2026-03-12 登记已付款，至今未经银行流水确认" in page


def test_a_marked_paid_payment_the_debit_confirms_before_the_deadline_is_on_time(
    client, court, engine, settings, approved_payment
):
    case, made = approved_payment("500.00")
    mark_paid(client, court, made, date(2026, 3, 12))
    debit = Row(
        "2026-03-12", "-500.00", "北京华信商贸有限公司", PAYEE, f"执行款 {made['reference']}",
        reference="B-18",
    )  # fmt: skip
    with on_day(date(2026, 3, 13)):
        report = upload(client, court, csv_statement([debit], opening="10000.00")).get_json()
    assert report["debits_reconciled"] == 1, report
    paid = client.get(
        f"/api/v1/disbursements/{made['id']}", headers=court.headers("finance")
    ).get_json()
    assert (paid["status"], paid["paid_on"]) == ("paid", "2026-03-12")
    assert clocks(client, court, case["id"], "2026-03-18", "payment") == []
    assert scan_deadlines(engine, settings, date(2026, 3, 18)).get("payment_overdue") is None
    assert alerts_of(client, court, "payment_overdue") == []


# ---- approval tiers include their bound in the higher tier ----


def levels_of(client, court, funded_case, amount: str) -> int:
    case = funded_case(200_000_00, amount_due="500000.00")
    response = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": amount, "payee_account_number": PAYEE},
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["levels_required"]


funded_case = payments.funded_case


def test_an_amount_equal_to_a_tiers_bound_falls_in_the_higher_tier(client, court, funded_case):
    # the test settings: one level up to the bound 100000.00, two from it
    assert levels_of(client, court, funded_case, "99999.99") == 1
    assert levels_of(client, court, funded_case, "100000.00") == 2


def test_the_bound_may_be_configured_to_fall_in_the_lower_tier(
    client, court, funded_case, settings
):
    settings["approvals"]["bound_in"] = "lower"
    assert levels_of(client, court, funded_case, "100000.00") == 1
    assert levels_of(client, court, funded_case, "100000.01") == 2


def test_the_configuration_file_puts_the_bound_in_the_higher_tier():
    from reconcile.approvals import level_positions
    from reconcile.settings import load_settings

    approvals = load_settings(environ={})["approvals"]
    assert approvals["bound_in"] == "higher"
    assert level_positions(100_000_00, approvals["tiers"], approvals["bound_in"]) == (
        "执行局长",
        "分管院领导",
    )
    assert level_positions(99_999_99, approvals["tiers"], approvals["bound_in"]) == ("执行局长",)


def test_the_alert_page_tells_a_late_deferral_and_a_review_in_chinese(
    client, court, engine, settings, register_case, staff
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00, arrived_on=date(2026, 3, 2))
    made = request_deferral(client, court, case["id"], date(2026, 3, 17), review_on="2026-03-20")
    scan_deadlines(engine, settings, date(2026, 3, 20))
    assert sign_in(client, staff("finance")).status_code == 302
    late = client.get("/alerts?kind=deferral_late").get_data(as_text=True)
    assert "延缓发放申请逾期" in late
    assert f"延缓发放/提存 #{made['id']} 于 2026-03-17 申请，晚于期限（2026-03-16 已到期）" in late
    review = client.get("/alerts?kind=deferral_review_due").get_data(as_text=True)
    assert "延缓发放到期复查" in review
    assert f"延缓发放/提存 #{made['id']} 应于 2026-03-20 复查" in review


def test_a_deferral_kept_after_its_review_is_reviewed_again_on_the_new_day(
    client, court, engine, settings, register_case
):
    case = register_case()
    made = request_deferral(client, court, case["id"], date(2026, 3, 4), review_on="2026-03-20")
    approve_deferral(client, court, made["id"], date(2026, 3, 4))
    assert scan_deadlines(engine, settings, date(2026, 3, 20))["deferral_review_due"] == 1
    path, judge = f"/deferrals/{made['id']}/review", court.headers("enforcement")
    today = {"review_on": "2026-03-20", "note": "异议之诉尚未审结"}
    assert call(client, path, today, judge, date(2026, 3, 20), 422)["code"] == "validation_error"
    assert call(client, path, {"review_on": "2026-04-03"}, judge, date(2026, 3, 20), 422)
    kept = call(
        client,
        path,
        {"review_on": "2026-04-03", "note": "异议之诉尚未审结"},
        judge,
        date(2026, 3, 20),
    )
    assert (kept["review_on"], kept["status"]) == ("2026-04-03", "approved")
    [alert] = alerts_of(client, court, "deferral_review_due")
    assert alert["status"] == "resolved"
    assert scan_deadlines(engine, settings, date(2026, 4, 2)).get("deferral_review_due") is None
    assert scan_deadlines(engine, settings, date(2026, 4, 3))["deferral_review_due"] == 1
    call(client, f"/deferrals/{made['id']}/end", None, judge, date(2026, 4, 3))
    assert call(
        client, path, {"review_on": "2026-04-30", "note": "再议"}, judge, date(2026, 4, 3), 409
    )


def test_enforcement_keeps_a_deferral_after_its_review_on_the_case_page(
    client, court, register_case, staff
):
    case = register_case()
    review_on = (local_today() + timedelta(days=7)).isoformat()
    made = request_deferral(client, court, case["id"], local_today(), review_on=review_on)
    staff("enforcement", "执行法官")
    assert sign_in(client, "执行法官").status_code == 302
    page = f"/cases/{case['id']}"
    assert f'data-testid="review-deferral-form-{made["id"]}"' in client.get(page).get_data(
        as_text=True
    )
    action = f"{page}/deferrals/{made['id']}/review"
    refused = post_form(client, page, action, review_on=review_on, note=" ")
    assert refused.status_code == 422
    assert "请填写继续延缓的理由" in refused.get_data(as_text=True)
    later = (local_today() + timedelta(days=21)).isoformat()
    kept = post_form(client, page, action, review_on=later, note="异议之诉尚未审结")
    assert kept.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert f"延缓/提存 #{made['id']} 经复查继续，下次复查日期 {later}" in shown


def test_the_case_page_shows_a_payment_clock_awaiting_confirmation(
    client, court, approved_payment, staff
):
    case, made = approved_payment("500.00")
    today = local_today()
    mark_paid(client, court, made, today)
    assert sign_in(client, staff("finance")).status_code == 302
    page = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="awaiting-confirmation"' in page
    assert f"{today.isoformat()} 已登记付款，待银行流水确认" in page
