"""Closing a case from its page: refused while money is on it, then closed with its type."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.integration.money import credit_case

pytestmark = pytest.mark.browser


def test_enforcement_closes_only_an_emptied_case(new_page, staff, register_case, engine):
    funded, empty = register_case(), register_case()
    credit_case(engine, funded["id"], 3_000_00)
    staff("enforcement", "执行法官")
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "执行法官")

    page.goto(f"/cases/{funded['id']}")
    page.select_option("select[name=closure_type]", "completed")
    page.get_by_test_id("close-case").click()
    page.wait_for_url(f"**/cases/{funded['id']}**")
    refusal = page.locator(".notice-error").inner_text()
    assert "不能结案" in refusal and "3,000.00" in refusal
    screenshot(page, "case-closing-refused")

    page.goto(f"/cases/{empty['id']}")
    page.select_option("select[name=closure_type]", "completed")
    page.get_by_test_id("close-case").click()
    page.wait_for_url(f"**/cases/{empty['id']}")
    assert "已结案：执行完毕" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("closure-type").inner_text() == "执行完毕"
    page.get_by_test_id("fee-link").click()
    page.wait_for_url(f"**/cases/{empty['id']}/execution-fee")
    page.fill("input[name=basis]", "1000000.00")
    page.get_by_role("button", name="计算").click()
    page.wait_for_url("**basis=1000000.00**")
    assert page.get_by_test_id("fee-amount").inner_text() == "12,400.00"
    assert "壹万贰仟肆佰元整" in page.get_by_test_id("fee-in-words").inner_text()
    screenshot(page, "execution-fee")
