"""A distribution plan (分配方案) in a real browser: issued from the case page with the claims
of two applicants, its shares and objection end date shown, an objection recorded (the
money stays held), withdrawn, issued again and executed after its objection period."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reconcile.clock import local_today
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot, sign_in
from tests.integration.money import credit_case
from tests.integration.test_distribution_plans import APPLICANTS

pytestmark = pytest.mark.browser


def answering(page) -> list[str]:
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def issue(page, served_on: str) -> None:
    form = page.get_by_test_id("issue-form")
    form.locator("select[name=method]").select_option("pro_rata")
    form.get_by_test_id("claim-1").locator("input[name^=amount_]").fill("20000.00")
    form.get_by_test_id("claim-2").locator("input[name^=amount_]").fill("40000.00")
    form.locator("input[name=document_reference]").fill("（2026）京0105执分3号")
    form.locator("input[name=served_on]").fill(served_on)
    page.get_by_test_id("issue-submit").click()
    page.get_by_test_id("open-plan").wait_for()


def test_a_plan_is_issued_objected_withdrawn_and_executed(new_page, staff, register_case, engine):
    case = register_case(applicants=APPLICANTS, amount_due="90000.00")
    credit_case(engine, case["id"], 10_000_00)
    staff("enforcement", "执行法官")
    page = new_page()
    answering(page)
    sign_in(page, "执行法官")
    page.goto(f"/cases/{case['id']}")
    page.get_by_test_id("plans-link").click()
    page.wait_for_url(f"**/cases/{case['id']}/distribution-plans")
    # 10,000.00 received; the execution fee of 50.00 stays on the case
    assert page.get_by_test_id("distributable").inner_text() == "9,950.00"

    form = page.get_by_test_id("issue-form")
    form.get_by_test_id("claim-1").locator("input[name^=amount_]").fill("20000.00")
    page.get_by_test_id("issue-submit").click()  # no document: refused, input kept
    assert (
        page.get_by_test_id("issue-form")
        .get_by_test_id("claim-1")
        .locator("input[name^=amount_]")
        .input_value()
        == "20000.00"
    )

    today = local_today()
    issue(page, today.isoformat())
    assert "已发布" in page.locator(".notice-success").inner_text()
    shares = page.get_by_test_id("open-plan")
    # 9,950.00 × 1/3 and × 2/3: the fen left over goes to the larger claim
    assert shares.get_by_test_id("share-amount").all_inner_texts() == ["3,316.66", "6,633.34"]
    ends_on = page.get_by_test_id("objection-ends-on").inner_text()
    assert ends_on >= (today + timedelta(days=15)).isoformat()
    assert page.get_by_test_id("execute-later").is_visible()
    screenshot(page, "distribution-plan-issued")
    assert_accessible(page)

    objection = page.get_by_test_id("objection-form")
    objection.locator("input[name=reason]").fill("债权数额计算有误")
    objection.locator("input[name=document_reference]").fill("异议书 2026-3")
    page.get_by_test_id("record-objection").click()
    page.get_by_test_id("objections").wait_for()
    assert "已提出异议" in page.get_by_test_id("plan-status").inner_text()
    assert "债权数额计算有误" in page.get_by_test_id("objections").inner_text()

    page.get_by_test_id("withdraw-plan").click()
    page.get_by_test_id("issue-form").wait_for()
    assert "已撤回" in page.locator(".notice-success").inner_text()

    issue(page, (today - timedelta(days=40)).isoformat())
    page.get_by_test_id("execute-plan").click()
    page.get_by_test_id("issue-form").wait_for()
    assert "生成 2 笔支付申请" in page.locator(".notice-success").inner_text()
    past = page.get_by_test_id("past-plans")
    assert past.get_by_test_id("share-request").count() == 2
    screenshot(page, "distribution-plan-executed")
