"""The case page's actions in a real browser (#19): a hold placed and released in part, a
payment requested to the named account, an approved payment marked paid by finance. Each
confirmation names the amount (and the account) typed."""

from __future__ import annotations

import pytest

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot, sign_in
from tests.integration import court_flow
from tests.integration.court_flow import PAYEE
from tests.integration.money import credit_case
from tests.integration.test_case_page_actions import flow  # noqa: F401

pytestmark = pytest.mark.browser
settings = court_flow.settings


def answering(page) -> list[str]:
    """Accept every confirmation; return the questions asked, in order."""
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def test_enforcement_holds_money_and_releases_it_in_part(new_page, staff, register_case, engine):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00)
    staff("enforcement", "执行法官")
    page = new_page()
    asked = answering(page)
    sign_in(page, "执行法官")
    page.goto(f"/cases/{case['id']}")

    form = page.get_by_test_id("hold-form")
    form.locator("input[name=amount]").fill("3000.00")
    form.locator("input[name=reason]").fill("案外人执行异议")
    form.locator("input[name=document_reference]").fill(" ")
    page.get_by_test_id("place-hold").click()
    assert "请填写作出冻结的法律文书文号" in page.get_by_test_id("refusal-hold").inner_text()
    assert page.get_by_test_id("hold-form").locator("input[name=amount]").input_value() == "3000.00"

    form = page.get_by_test_id("hold-form")
    form.locator("input[name=document_reference]").fill("（2026）京0105执异7号")
    page.get_by_test_id("place-hold").click()
    page.wait_for_url(f"**/cases/{case['id']}#holds")
    assert "已冻结 3,000.00 元" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("available").inner_text() == "7,000.00"
    assert "确认冻结 3000.00 元" in asked[-1]

    release = page.locator("[data-testid^=release-form-]")
    release.locator("input[name=amount]").fill("1000.00")
    release.get_by_test_id("release-hold").click()
    page.wait_for_url(f"**/cases/{case['id']}#holds")
    assert "确认解除冻结 1000.00 元" in asked[-1]
    assert "仍冻结 2,000.00 元" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("available").inner_text() == "8,000.00"
    screenshot(page, "case-hold-released-in-part")
    assert_accessible(page)

    page.locator("[data-testid^=release-form-]").get_by_test_id("release-hold").click()
    page.wait_for_url(f"**/cases/{case['id']}#holds")
    assert "确认解除冻结 2,000.00 元" in asked[-1]  # no amount: the whole of what is held
    assert page.get_by_test_id("available").inner_text() == "10,000.00"


def test_enforcement_requests_a_payment_to_the_named_account(
    new_page, staff, register_case, engine
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00)
    staff("enforcement", "执行法官")
    page = new_page()
    asked = answering(page)
    sign_in(page, "执行法官")
    page.goto(f"/cases/{case['id']}")
    assert page.get_by_test_id("request-available").inner_text() == "10,000.00"
    form = page.get_by_test_id("payment-form")
    options = form.locator("select[name=payee_account_number] option").all()
    assert [o.get_attribute("value") for o in options] == ["", PAYEE]

    form.locator("select[name=payee_account_number]").select_option(PAYEE)
    form.locator("input[name=amount]").fill("12000.00")
    page.get_by_test_id("request-payment").click()
    refusal = page.get_by_test_id("refusal-payment").inner_text()
    assert "可发放余额不足：当前可发放 10,000.00 元" in refusal
    form = page.get_by_test_id("payment-form")
    assert form.locator("input[name=amount]").input_value() == "12000.00"
    assert form.locator("select[name=payee_account_number]").input_value() == PAYEE
    assert asked[-1] == f"确认向账户 {PAYEE} 发放 12000.00 元？提交后进入审批。"
    screenshot(page, "case-payment-refused")

    form.locator("input[name=amount]").fill("4000.00")
    page.get_by_test_id("request-payment").click()
    page.wait_for_url(f"**/cases/{case['id']}#payments")
    assert f"4,000.00 元，收款账户 {PAYEE}" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("request-available").inner_text() == "6,000.00"


def test_finance_marks_the_approved_payment_paid(
    new_page,
    staff,
    register_case,
    engine,
    client,
    flow,  # noqa: F811
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00)
    approved = court_flow.approved(client, flow, case["id"], "2500.00")
    staff("finance", "王会计")
    page = new_page()
    asked = answering(page)
    sign_in(page, "王会计")
    page.goto(f"/cases/{case['id']}")
    assert page.get_by_test_id("hold-form").count() == 0
    form = page.get_by_test_id(f"paid-form-{approved['id']}")
    form.locator("input[name=bank_reference]").fill("BOC20260302001")
    form.get_by_test_id("mark-paid").click()
    page.wait_for_url(f"**/cases/{case['id']}#payments")
    assert asked[-1] == f"确认已向账户 {PAYEE} 付款 2,500.00 元？"
    assert (
        f"付款 #{approved['id']}（2,500.00 元）已登记为已付款"
        in page.locator(".notice-success").inner_text()
    )
    assert page.get_by_test_id(f"paid-form-{approved['id']}").count() == 0
    screenshot(page, "case-marked-paid")


def test_a_deferral_requested_on_the_case_page_is_approved_in_the_queue(
    new_page, staff, register_case
):
    case = register_case()
    staff("enforcement", "执行法官")
    staff("approver", "审批人")
    judge = new_page()
    sign_in(judge, "执行法官")
    judge.goto(f"/cases/{case['id']}")
    form = judge.get_by_test_id("deferral-form")
    form.locator("select[name=kind]").select_option("deferral")
    form.locator("input[name=ground]").fill("案外人提起执行异议之诉")
    form.locator("input[name=document_reference]").fill("（2026）京0105执异9号")
    form.locator("input[name=review_on]").fill("2099-12-31")
    judge.get_by_test_id("request-deferral").click()
    judge.wait_for_url(f"**/cases/{case['id']}#deferrals")
    assert "已提交延缓发放申请" in judge.locator(".notice-success").inner_text()
    assert judge.get_by_test_id("deferral-status").inner_text() == "待审批"

    approver = new_page()
    sign_in(approver, "审批人")
    approver.goto("/approvals")
    card = approver.get_by_test_id("approval-deferral")
    assert card.get_by_test_id("deferral-ground").inner_text() == "案外人提起执行异议之诉"
    screenshot(approver, "approvals-deferral")
    card.get_by_test_id("approve-deferral").click()
    approver.wait_for_url("**/approvals")
    assert "已批准" in approver.locator(".notice-success").inner_text()
    judge.reload()
    assert judge.get_by_test_id("deferral-status").inner_text() == "已批准"
