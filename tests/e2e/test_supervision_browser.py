"""Supervision in the alerts page: finance cannot close its own operations' alerts; the
court's supervisor (an approver) can, and sees who owns each alert and by when."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.integration.alerting import raise_one

pytestmark = pytest.mark.browser


def test_an_approver_closes_an_unmatched_debit_finance_may_only_take_up(
    new_page, staff, uow, court
):
    alert_id = raise_one(uow, court.code, kind="unmatched_debit", facts={"amount": "800.00"})
    staff("finance")
    staff("approver", "执行局长")
    finance = new_page()
    sign_in(finance, "finance")
    finance.goto("/alerts")
    row = finance.locator(f"#alert-{alert_id}")
    assert "审批人" in row.get_by_test_id("alert-owner").inner_text()
    assert "前办结" in row.get_by_test_id("alert-due").inner_text()
    assert row.get_by_test_id("resolved-by-supervision").is_visible()
    assert row.get_by_role("button", name="办结").count() == 0
    row.get_by_test_id("acknowledge").click()
    finance.wait_for_url("**/alerts**")
    screenshot(finance, "alerts-finance-supervised")

    approver = new_page()
    sign_in(approver, "执行局长")
    approver.goto("/alerts?status=acknowledged")
    row = approver.locator(f"#alert-{alert_id}")
    row.locator("input[name=note]").fill("已核实：系银行重复扣款，已要求冲回")
    row.get_by_role("button", name="办结").click()
    approver.wait_for_url("**/alerts**")
    assert f"预警 #{alert_id} 已办结" in approver.locator(".notice-success").inner_text()
