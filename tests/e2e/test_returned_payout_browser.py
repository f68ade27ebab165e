"""A returned payout (退汇) on the case page and in the alerts: the bank's credit brings a
paid payment back, and the desk and the case's staff see it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.integration import payments
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement, upload

pytestmark = pytest.mark.browser
people = payments.people
PAYEE_NAME = "北京华信商贸有限公司"


def test_finance_sees_the_returned_payout_on_the_case_and_in_the_alerts(
    new_page, staff, client, court, register_case, people
):
    case = register_case()
    sub = case["sub_account_number"]
    upload(client, court, csv_statement([Row("2026-11-02", "5000.00", "张伟", "", "", sub, "C1")]))
    payment = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "5000.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    ).get_json()
    client.post(
        f"/api/v1/disbursements/{payment['id']}/approve", json={}, headers=people("approver", "甲")
    )
    paid = Row("2026-11-04", "-5000.00", PAYEE_NAME, PAYEE, "案款发放", "", "D1")
    upload(client, court, csv_statement([paid], opening="5000.00"))
    back = Row("2026-11-06", "5000.00", PAYEE_NAME, PAYEE, "退汇 户名不符", "", "R1")
    assert upload(client, court, csv_statement([back])).get_json()["credits_matched"] == 1

    staff("finance", "财务人员")
    page = new_page()
    sign_in(page, "财务人员")
    page.goto(f"/cases/{case['id']}")
    returned = page.get_by_test_id(f"returned-{payment['id']}").inner_text()
    assert "已退汇" in returned and "2026-11-06 银行退汇，5,000.00 元已回到本案" in returned
    alert = page.get_by_test_id("money-alert-payment_returned").inner_text()
    assert "发放款被退汇" in alert and f"银行退回发放 AK{payment['id']:010d}" in alert
    assert page.get_by_test_id("available").inner_text() == "5,000.00"
    screenshot(page, "case-returned-payout")

    page.get_by_test_id("money-alert-payment_returned").get_by_role("link").click()
    page.wait_for_url("**/alerts**kind=payment_returned**")
    assert f"AK{payment['id']:010d}" in page.locator("main").inner_text()
    screenshot(page, "alerts-payment-returned")
