"""登记案件 in a real browser (#19): the enforcement judge opens the case list, follows
登记案件, fills the form (an applicant with its payee account, a respondent) and lands on
the new case's page, which shows the case number and the payee account; a wrong case
number is refused at the form with the input kept."""

from __future__ import annotations

import re

import pytest

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

PAYEE = "110060149018800012345"


def test_the_judge_registers_a_case_and_lands_on_its_page(new_page, staff, court):
    staff("enforcement", "执行法官")
    page = new_page()
    sign_in(page, "执行法官")
    page.goto("/cases")
    page.get_by_test_id("register-case-link").click()
    page.wait_for_url("**/cases/new")
    assert_accessible(page)
    form = page.get_by_test_id("register-form")
    form.locator("input[name=case_number]").fill("2026京0105执")
    form.locator("select[name=court]").select_option(court.code)
    form.locator("input[name=amount_due]").fill("120000.00")
    form.locator("input[name=a1_name]").fill("北京华信商贸有限公司")
    form.locator("input[name=a1_account_number]").fill(PAYEE)
    form.locator("input[name=a1_account_name]").fill("北京华信商贸有限公司")
    form.locator("input[name=a1_bank_name]").fill("交通银行北京朝阳支行")
    form.locator("input[name=r1_name]").fill("张伟")
    form.locator("input[name=r1_account_number]").fill("6222020200112233445")
    page.get_by_test_id("register-case").click()
    refusal = page.get_by_test_id("refusal-register")
    assert "不是（2024）京0105执1234号格式的案号" in refusal.inner_text()
    assert form.locator("input[name=a1_account_number]").input_value() == PAYEE
    assert form.locator("input[name=r1_name]").input_value() == "张伟"
    screenshot(page, "case-registration-refused")

    form.locator("input[name=case_number]").fill("（2026）京0105执8801号")
    page.get_by_test_id("register-case").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    assert "已登记案件 （2026）京0105执8801号" in page.locator(".notice-success").inner_text()
    assert "（2026）京0105执8801号" in page.locator("h1").inner_text()
    applicant = page.get_by_test_id("applicant-1").inner_text()
    assert "北京华信商贸有限公司" in applicant and PAYEE in applicant
    screenshot(page, "case-registered")
    assert_accessible(page)
