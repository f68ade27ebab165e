"""The documents a court files, in a real browser, as printed (#19): 支付案款通知, 案款发放审批表,
退款审批表, 分户账 and the execution notice's account block. Each is reached from the page its
role works on; printed, it shows the document alone. Screenshots as printed (print media)
go to /tmp/h6_shots/ and artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.services import users
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot, sign_in
from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, PAYEE
from tests.integration.money import credit_case
from tests.integration.staff_pages import PASSWORD
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_case_page_actions import flow  # noqa: F401

pytestmark = pytest.mark.browser
settings = court_flow.settings
SHOTS = Path("/tmp/h6_shots")
COURT_NAME = "北京市朝阳区人民法院"


def printed(page, name: str) -> None:
    """Show the page as printed; save the whole of it as a screenshot."""
    page.emulate_media(media="print")
    assert not page.locator(".print-toolbar").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    screenshot(page, f"print-{name}")
    page.emulate_media(media="screen")


def test_finance_prints_the_payment_notice_and_its_approval_form_from_the_case_page(
    new_page,
    staff,
    register_case,
    engine,
    client,
    flow,  # noqa: F811
):
    case = register_case()
    credit_case(engine, case["id"], 200_000_00)
    made = court_flow.approved(client, flow, case["id"], "120000.00")
    staff("finance", "王会计")
    page = new_page()
    sign_in(page, "王会计")
    page.goto(f"/cases/{case['id']}")
    page.get_by_test_id(f"notice-link-{made['id']}").click()
    page.wait_for_url(f"**/payments/{made['id']}/notice")
    document = page.get_by_test_id("doc-notice")
    assert page.get_by_test_id("doc-court").inner_text() == COURT_NAME
    assert page.get_by_test_id("doc-case-number").inner_text() == case["case_number"]
    body = document.inner_text()
    assert "壹拾贰万元整" in body and "￥120,000.00" in body and PAYEE in body
    levels = page.get_by_test_id("form-level").all_inner_texts()
    assert "执行局长 周强（执行局长）" in levels[0] and "副院长 李华（分管院领导）" in levels[1]
    assert "财务 王静" in page.get_by_test_id("form-review").inner_text()
    assert page.get_by_test_id("signatures").inner_text().count("（签字）") == 3
    assert "打印时间" in page.get_by_test_id("printed-at").inner_text()
    assert page.get_by_test_id("pdf-link").get_attribute("href").endswith("format=pdf")
    assert_accessible(page)
    printed(page, "payment-notice")

    page.goto(f"/payments/{made['id']}/approval-form")
    assert page.get_by_test_id("in-words").inner_text() == "壹拾贰万元整"
    assert page.get_by_test_id("doc-court").inner_text() == COURT_NAME
    printed(page, "approval-form")


def test_the_account_statement_and_the_notice_account_block_print_from_the_case_page(
    new_page, staff, register_case, engine
):
    case = register_case()
    for fen in (5_000_00, 12_500_50, 800_00):
        credit_case(engine, case["id"], fen)
    staff("enforcement", "执行法官")
    page = new_page()
    sign_in(page, "执行法官")
    page.goto(f"/cases/{case['id']}")
    page.get_by_test_id("statement-print-link").click()
    page.wait_for_url(f"**/cases/{case['id']}/account-statement")
    assert page.get_by_test_id("statement-entry").count() == 3
    running = page.get_by_test_id("statement-available").all_inner_texts()
    assert running == ["5,000.00", "17,500.50", "18,300.50"]
    assert page.get_by_test_id("statement-total-received").inner_text() == "18,300.50"
    assert_accessible(page)
    printed(page, "account-statement")

    page.goto(f"/cases/{case['id']}")
    page.get_by_test_id("notice-account-link").click()
    page.wait_for_url(f"**/cases/{case['id']}/notice-account")
    block = page.get_by_test_id("doc-text").inner_text()
    assert case["sub_account_number"] in block and "12368" in block
    printed(page, "notice-account")
    pdf = page.request.get(f"/cases/{case['id']}/notice-account?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")


def test_the_approver_prints_the_refund_form_from_the_queue(
    new_page, uow, admin, court, client, settings
):
    data = csv_statement([Row("2026-11-16", "880.50", "王芳", "6217000011112222333", "货款")])
    upload(client, court, data)
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇，申请退回"},
        headers=court.headers("finance"),
    )
    users.create_user(
        uow(), admin, username="周局长", password=PASSWORD, role="approver",
        courts=[court.code], position=DIRECTOR, settings=settings,
    )  # fmt: skip
    page = new_page()
    sign_in(page, "周局长")
    page.goto("/approvals")
    page.get_by_test_id("refund-form-link").click()
    page.wait_for_url("**/refund-form")
    body = page.get_by_test_id("doc-refund").inner_text()
    assert "捌佰捌拾元伍角整" in body and "6217000011112222333" in body and "王芳" in body
    assert "付款人误汇，申请退回" in body
    page.get_by_test_id("print-back").click()
    page.wait_for_url("**/approvals")
    page.go_back()
    printed(page, "refund-form")
