"""The orphan queue (不明款) in a browser at 1366 px and 390 px: the 合计 row, the next page,
a filter, a bulk assignment, an export, and axe-core finding nothing serious."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from api.web import orphans as orphans_page
from tests.e2e.accessibility import assert_accessible, assert_no_sideways_scroll
from tests.e2e.conftest import screenshot, sign_in
from tests.integration.statement_files import Row, csv_statement, upload

pytestmark = pytest.mark.browser


def typo(number: str) -> str:
    """The sub-account one digit off, as a payer might type it."""
    return number[:-3] + str((int(number[-3]) + 1) % 10) + number[-2:]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_finance_pages_filters_assigns_and_exports_the_orphans(
    at_size, staff, client, court, register_case, size, monkeypatch
):
    monkeypatch.setattr(orphans_page, "PAGE", 2)
    case = register_case()
    rows = [
        Row("2026-11-02", "1200.00", "北京远航物流有限公司", "0109014170001111", "货款", "", "A"),
        Row("2026-11-03", "300.00", "李强", "6228480010099887766", "", "", "B"),
        Row("2026-11-04", "80.50", "王芳", "", "", typo(case["sub_account_number"]), "C"),
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    staff("finance", "会计")
    page = at_size(size)
    sign_in(page, "会计")
    page.goto("/orphans")
    assert page.get_by_test_id("orphan").count() == 2
    assert page.get_by_test_id("total-count").inner_text() == "3"
    assert page.get_by_test_id("total-unplaced").inner_text() == "1,580.50"
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)
    screenshot(page, f"orphans-list-{size}")

    page.get_by_test_id("next-page").click()
    page.wait_for_url("**after=**")
    cards = page.get_by_test_id("orphan")
    assert cards.count() == 1 and "80.50" in cards.first.inner_text()
    assert page.get_by_test_id("refund-unreachable").count() == 1  # no payer's account
    page.get_by_test_id("first-page").click()
    page.wait_for_url(lambda url: "after=" not in url)
    assert page.get_by_test_id("orphan").count() == 2

    page.get_by_test_id("filter-max").fill("500")
    page.get_by_test_id("apply").click()
    page.wait_for_url("**max=500**")
    assert page.get_by_test_id("total-count").inner_text() == "2"
    assert page.get_by_test_id("total-unplaced").inner_text() == "380.50"
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.startswith("不明款_")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet.freeze_panes == "A2" and sheet.max_row - 1 == 2
    assert sheet["E2"].number_format == "#,##0.00"

    bulk = page.get_by_test_id("bulk-assign")
    picks = bulk.locator("input[name=line]")
    assert picks.count() == 1
    picks.first.check()
    bulk.locator("input[name=reason]").fill("子账号输错一位，来电确认")
    bulk.get_by_role("button", name="批量分配").click()
    page.wait_for_url("**max=500**")  # back on the filtered list
    assert "已批量分配 1 笔来款" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("total-count").inner_text() == "1"
    assert_accessible(page)
    screenshot(page, f"orphans-filtered-{size}")
