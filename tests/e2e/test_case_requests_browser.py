"""The case page's actions that were API-only, in a real browser (#19): resubmit a returned
payment (the confirmation names amount and account), end a deferral, register an expected
receipt, take a whole credit off the case (names line and amount), ask for a payee-account
change (names the account); an orphan's refusal shown at its card with the input kept, and
a rejected refund with its reason on finance's side."""

from __future__ import annotations

import pytest

from reconcile.services import users
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_case_actions_browser import answering
from tests.integration import court_flow
from tests.integration.court_flow import PAYEE
from tests.integration.money import credit_case
from tests.integration.staff_pages import PASSWORD
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_case_page_actions import flow  # noqa: F401

pytestmark = pytest.mark.browser
settings = court_flow.settings


def test_the_requester_resubmits_a_returned_payment_naming_amount_and_account(
    new_page,
    uow,
    admin,
    court,
    register_case,
    engine,
    client,
    flow,  # noqa: F811
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00)
    made = court_flow.request(client, case["id"], "3000.00", flow.judge).get_json()
    court_flow.approve(client, made["id"], flow.director)
    court_flow.review(client, made["id"], flow.finance, "return", "收款人户名有误")
    users.create_user(
        uow(), admin, username="陈法官", password=PASSWORD, role="enforcement",
        courts=[court.code], person="执行法官 陈明",
    )  # fmt: skip
    page = new_page()
    asked = answering(page)
    sign_in(page, "陈法官")
    page.goto(f"/cases/{case['id']}")
    note = page.get_by_test_id(f"returned-note-{made['id']}").inner_text()
    assert note == "财务退回：收款人户名有误"
    screenshot(page, "case-payment-returned")
    page.get_by_test_id(f"resubmit-form-{made['id']}").get_by_test_id("resubmit").click()
    page.wait_for_url(f"**/cases/{case['id']}#payments")
    assert asked[-1] == f"确认重新提交：向账户 {PAYEE} 发放 3,000.00 元？提交后重新进入审批。"
    assert "已重新提交支付通知" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id(f"resubmit-form-{made['id']}").count() == 0
    assert_accessible(page)


def test_enforcement_ends_a_deferral_and_registers_an_expected_receipt(
    new_page,
    staff,
    register_case,
    client,
    flow,  # noqa: F811
):
    case = register_case()
    staff("enforcement", "执行法官")
    page = new_page()
    asked = answering(page)
    sign_in(page, "执行法官")
    page.goto(f"/cases/{case['id']}")
    form = page.get_by_test_id("deferral-form")
    form.locator("input[name=ground]").fill("申请执行人下落不明")
    form.locator("input[name=document_reference]").fill("（2026）京0105执1号")
    form.locator("input[name=review_on]").fill("2099-12-31")
    page.get_by_test_id("request-deferral").click()
    page.wait_for_url(f"**/cases/{case['id']}#deferrals")
    [deferral] = client.get(f"/api/v1/cases/{case['id']}/deferrals", headers=flow.judge).get_json()[
        "items"
    ]
    client.post(f"/api/v1/deferrals/{deferral['id']}/approve", json={}, headers=flow.director)
    page.reload()
    page.get_by_test_id(f"end-deferral-{deferral['id']}").click()
    page.wait_for_url(f"**/cases/{case['id']}#deferrals")
    assert asked[-1] == f"确认结束延缓/提存 #{deferral['id']}？期限重新起算。"
    assert page.get_by_test_id("deferral-status").inner_text() == "已结束"

    form = page.get_by_test_id("expected-form")
    form.locator("select[name=source]").select_option("auction")
    form.locator("input[name=amount]").fill("250000.00")
    form.locator("input[name=expected_by]").fill("2026-12-30")
    page.get_by_test_id("register-expected").click()
    refusal = page.get_by_test_id("refusal-expected").inner_text()
    assert refusal == "请填写来款将带有的凭证号，或将付款的账号。"
    form = page.get_by_test_id("expected-form")
    assert form.locator("input[name=amount]").input_value() == "250000.00"
    form.locator("input[name=reference]").fill("PM-2026-88")
    page.get_by_test_id("register-expected").click()
    page.wait_for_url(f"**/cases/{case['id']}#expected")
    assert (
        "已登记待到账款 250,000.00 元（司法拍卖款）" in page.locator(".notice-success").inner_text()
    )
    assert page.get_by_test_id("expected-status").inner_text() == "待到账"
    page.get_by_test_id("expected").scroll_into_view_if_needed()
    screenshot(page, "case-expected-receipt")
    assert_accessible(page)


def test_enforcement_asks_for_a_payee_account_change_naming_the_account(
    new_page, staff, register_case
):
    case = register_case()
    staff("enforcement", "执行法官")
    page = new_page()
    asked = answering(page)
    sign_in(page, "执行法官")
    page.goto(f"/cases/{case['id']}")
    form = page.get_by_test_id("payee-form")
    form.locator("input[name=account_number]").fill("6217000099998888777")
    form.locator("input[name=document_reference]").fill("（2026）京0105执1234号之一")
    page.get_by_test_id("request-payee").click()
    page.wait_for_url(f"**/cases/{case['id']}#payee-change")
    assert asked[-1].startswith("确认申请将账户 6217000099998888777 列为收款账户？")
    assert "已申请变更收款账户" in page.locator(".notice-success").inner_text()


def test_finance_takes_a_credit_off_the_case_and_the_orphan_card_keeps_a_refused_input(
    new_page, staff, court, register_case, client
):
    case = register_case()
    data = csv_statement(
        [Row("2026-11-16", "700.00", "李四", "6217000011112222333", "", case["sub_account_number"])]
    )
    upload(client, court, data)
    staff("finance", "王会计")
    page = new_page()
    asked = answering(page)
    sign_in(page, "王会计")
    page.goto(f"/cases/{case['id']}")
    form = page.locator("[data-testid^=unassign-form-]")
    form.locator("input[name=reason]").fill("子账号录错")
    form.get_by_test_id("unassign").click()
    page.wait_for_url(f"**/cases/{case['id']}#credits")
    assert "（付款账户 6217000011112222333）的 700.00 元从本案撤回" in asked[-1]
    assert "已将 700.00 元撤回" in page.locator(".notice-success").inner_text()

    page.goto("/orphans")
    card = page.get_by_test_id("orphan")
    card.get_by_test_id("case-ref").fill("（2026）京0105执9999号")
    card.get_by_test_id("assign-reason").fill("付款人来电")
    card.get_by_test_id("assign-button").click()
    page.wait_for_url("**/orphans#orphan-*")
    card = page.get_by_test_id("orphan")
    refusal = card.get_by_test_id("card-refusal").inner_text()
    assert "没有案号或子账号为“（2026）京0105执9999号”的案件" in refusal
    assert card.get_by_test_id("case-ref").input_value() == "（2026）京0105执9999号"
    assert card.get_by_test_id("assign-reason").input_value() == "付款人来电"
    assert page.locator(".notice-error").count() == 1  # at the card, not on top
    screenshot(page, "orphan-card-refusal")
    assert_accessible(page)


def test_finance_sees_a_rejected_refund_with_its_reason(new_page, staff, court, client, flow):  # noqa: F811
    upload(
        client,
        court,
        csv_statement([Row("2026-11-16", "66.00", "某人", "6217000011112222333", "货款")]),
    )
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    refund = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    ).get_json()
    client.post(
        f"/api/v1/disbursements/{refund['refund_disbursement_id']}/reject",
        json={"note": "付款人身份未核实"},
        headers=flow.director,
    )
    staff("finance", "王会计")
    page = new_page()
    sign_in(page, "王会计")
    page.goto("/orphans")
    shown = page.get_by_test_id("refund-rejected").inner_text()
    assert f"退款申请 #{refund['refund_disbursement_id']}" in shown
    assert "驳回：付款人身份未核实" in shown
    screenshot(page, "orphan-refund-rejected")


def test_finance_pays_an_approved_refund_naming_amount_and_account(
    new_page,
    staff,
    court,
    client,
    flow,  # noqa: F811
):
    data = csv_statement([Row("2026-11-16", "66.00", "某人", "6217000011112222333", "货款")])
    upload(client, court, data)
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    refund = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    ).get_json()["refund_disbursement_id"]
    client.post(f"/api/v1/disbursements/{refund}/approve", json={}, headers=flow.director)
    staff("finance", "王会计")
    page = new_page()
    asked = answering(page)
    sign_in(page, "王会计")
    page.goto("/orphans")
    form = page.get_by_test_id(f"refund-paid-form-{refund}")
    form.locator("input[name=bank_reference]").fill("BOC-R-1")
    form.get_by_test_id("refund-mark-paid").click()
    page.wait_for_url("**/orphans#refunds")
    assert asked[-1] == "确认已将 66.00 元退回账户 6217000011112222333？"
    assert page.get_by_test_id(f"refund-{refund}").inner_text().count("已付款待确认") == 1
    screenshot(page, "orphan-refund-paid")
    page.get_by_test_id(f"refund-form-link-{refund}").click()
    page.wait_for_url(f"**/payments/{refund}/refund-form")
    assert "已付款待确认" in page.get_by_test_id("doc-refund").inner_text()
