"""The case list and the case ledger in a real browser, on a desktop and on a phone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

import api.web.cases as case_pages
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.integration.statement_files import Row, csv_statement, upload

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def cases_with_money(client, court, register_case) -> dict:
    zhang = register_case(respondents=[{"name": "张伟", "accounts": []}])
    others = [register_case(respondents=[{"name": f"李{n}", "accounts": []}]) for n in range(4)]
    rows = [
        Row(f"2026-11-0{d}", f"{d}00.00", "张伟", "", "还款", zhang["sub_account_number"], f"R{d}")
        for d in range(2, 7)
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    held = client.post(
        f"/api/v1/cases/{zhang['id']}/holds",
        json={"amount": "100.00", "reason": "执行异议", "document_reference": "（2026）异1号"},
        headers=court.headers("enforcement"),
    )
    assert held.status_code == 201
    return {"zhang": zhang, "others": others}


@pytest.mark.parametrize("width", WIDTHS)
def test_finance_finds_filters_pages_and_exports_cases_and_pages_a_ledger(
    browser, live_server, staff, cases_with_money, monkeypatch, width
):
    monkeypatch.setattr(case_pages, "PAGE", 2)
    monkeypatch.setattr(case_pages, "LEDGER_PAGE", 4)
    staff("finance", "王会计")
    context = browser.new_context(
        viewport=WIDTHS[width], locale="zh-CN", base_url=live_server, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "王会计")
        page.goto("/cases")
        rows = page.get_by_test_id("case-row")
        assert rows.count() == 2
        assert "共 5 件" in page.get_by_test_id("total-count").inner_text()
        page.get_by_test_id("next-page").click()
        page.wait_for_url("**/cases?cursor=*")
        assert rows.count() == 2
        first_cursor = page.url
        page.get_by_test_id("next-page").click()
        page.wait_for_url(lambda url: url != first_cursor)
        assert rows.count() == 1 and page.get_by_test_id("next-page").count() == 0

        page.goto("/cases")
        page.get_by_test_id("case-query").fill("张伟")
        page.get_by_test_id("apply").click()
        page.wait_for_url("**/cases?q=*")
        assert rows.count() == 1
        assert "当事人" in page.get_by_test_id("match").inner_text()
        page.get_by_test_id("case-query").fill("")
        page.get_by_test_id("filter-held").select_option("yes")
        page.get_by_test_id("apply").click()
        page.wait_for_url("**held=yes**")
        assert rows.count() == 1
        assert page.get_by_test_id("total-available").inner_text() == "1,900.00"
        _assert_no_sideways_scroll(page)
        page.screenshot(path=str(_shot(f"case-list-{width}")))

        with page.expect_download() as download:
            page.get_by_test_id("export-xlsx").click()
        assert download.value.suggested_filename.startswith("案件列表_京0105_")
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        assert sheet.freeze_panes == "A2" and sheet.max_row == 3  # header, the case, 合计

        page.get_by_test_id("case-link").click()
        page.wait_for_url("**/cases/*")
        entries = page.get_by_test_id("ledger-entry")
        assert entries.count() == 4
        assert page.get_by_test_id("entry-booked-on").first.inner_text().startswith("2026-11-02")
        page.get_by_test_id("ledger-more").click()
        page.wait_for_url("**after=*")
        assert entries.count() == 2
        assert page.get_by_test_id("ledger-total-available").inner_text() == "1,900.00"
        _assert_no_sideways_scroll(page)
        page.screenshot(path=str(_shot(f"case-ledger-{width}")), full_page=True)
    finally:
        context.close()


def _assert_no_sideways_scroll(page) -> None:
    """Nothing of the page's own content reaches past the screen (wide tables scroll inside)."""
    beyond = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(el => !el.closest('.table-wrap'))
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + '.' + el.className)"""
    )
    assert beyond == [], f"reaching past the screen: {beyond[:5]}"


def _shot(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
