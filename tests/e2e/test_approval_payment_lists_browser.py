"""The approvals queue and the payments list in a browser, at 1366 px and 390 px: a filter,
the next page, a bulk approval, an export, and axe-core finding nothing serious (#20)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from api.web import approvals as approvals_page
from api.web import payments as payments_page
from tests.e2e.accessibility import assert_accessible, assert_no_sideways_scroll
from tests.e2e.conftest import screenshot, sign_in
from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, request
from tests.integration.test_payment_pages import staff_user

pytestmark = pytest.mark.browser

SIZES = pytest.mark.parametrize("size", ["desktop", "phone"])
settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded


def requested(client, staff, funded, amounts) -> list[dict]:
    case = funded(500_000_00)
    return [request(client, case["id"], a, staff.judge).get_json() for a in amounts]


@SIZES
def test_an_approver_filters_pages_approves_in_bulk_and_exports(
    at_size, client, uow, admin, court, settings, staff, funded, size, monkeypatch
):
    monkeypatch.setattr(approvals_page, "PAGE", 3)
    made = requested(client, staff, funded, ["100.00", "250.00", "3000.00", "4500.00", "80.00"])
    staff_user(uow, admin, court, settings, "周局长", "approver", DIRECTOR)
    page = at_size(size)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "周局长")
    page.goto("/approvals")
    assert page.get_by_test_id("approval").count() == 3
    assert page.get_by_test_id("total-count").inner_text() == "5"
    assert page.get_by_test_id("total-amount").inner_text() == "7,930.00"
    assert page.get_by_test_id("tab-payments").get_by_test_id("tab-count").inner_text() == "5"
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)
    screenshot(page, f"approvals-list-{size}")
    page.get_by_test_id("reject").first.scroll_into_view_if_needed()
    assert page.get_by_test_id("reject").first.is_visible()
    screenshot(page, f"approvals-card-{size}")

    page.get_by_test_id("next-page").click()
    page.wait_for_url("**after=**")
    assert page.get_by_test_id("approval").count() == 2

    page.goto("/approvals")
    page.get_by_test_id("filter-min").fill("1,000")
    page.get_by_test_id("sort").select_option("largest")
    page.get_by_test_id("apply").click()
    page.wait_for_url("**min=**")
    assert page.get_by_test_id("total-count").inner_text() == "2"
    first = page.get_by_test_id("approval").first
    assert first.get_attribute("id") == f"approval-{made[3]['id']}"
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.startswith("待审批发放_")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet.max_row - 1 == 2 and sheet.freeze_panes == "A2"
    assert sum(r[5].value for r in sheet.iter_rows(min_row=2)) == 7500

    page.get_by_test_id("bulk-pick").nth(0).check()
    page.get_by_test_id("bulk-pick").nth(1).check()
    page.get_by_test_id("bulk-note").fill("同批核对无误")
    page.get_by_test_id("bulk-approve").click()
    page.wait_for_url("**/approvals**")
    page.locator(".notice-success").wait_for()
    assert "已同意 2 笔，共 7,500.00 元" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("total-count").inner_text() == "0"
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)


@SIZES
def test_finance_filters_pages_and_exports_the_payments_list(
    at_size, client, uow, admin, court, settings, staff, funded, size, monkeypatch
):
    monkeypatch.setattr(payments_page, "PAGE", 2)
    requested(client, staff, funded, ["100.00", "250.00", "3000.00"])
    staff_user(uow, admin, court, settings, "王会计", "finance", "财务人员")
    page = at_size(size)
    sign_in(page, "王会计")
    page.goto("/payments")
    assert page.get_by_test_id("payment").count() == 2
    assert page.get_by_test_id("tab-requested").get_by_test_id("tab-count").inner_text() == "3"
    assert page.get_by_test_id("total-amount").inner_text() == "3,350.00"
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)
    screenshot(page, f"payments-list-{size}")
    page.get_by_test_id("next-page").click()
    page.wait_for_url("**after=**")
    assert page.get_by_test_id("payment").count() == 1

    page.goto("/payments")
    page.get_by_test_id("filter-max").fill("300")
    page.get_by_test_id("apply").click()
    page.wait_for_url("**max=300**")
    assert page.get_by_test_id("total-count").inner_text() == "2"
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert len(text.strip().splitlines()) == 3 and "250.00" in text
