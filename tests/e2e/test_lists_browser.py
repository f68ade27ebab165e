"""The alerts and statements lists and the charts page in a browser, at 1366 px and 390 px:
a filter, the next page, a bulk action, an export, and axe-core finding nothing serious."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from api.web import statements as statements_page
from tests.e2e.accessibility import (
    assert_accessible,
    assert_no_sideways_scroll,
)
from tests.e2e.conftest import screenshot, sign_in
from tests.integration.alerting import raise_many
from tests.integration.statement_files import Row, csv_statement, upload

pytestmark = pytest.mark.browser

SIZES = pytest.mark.parametrize("size", ["desktop", "phone"])


def rows_shown(page) -> int:
    return page.get_by_test_id("alert").count()


@SIZES
def test_the_desk_filters_pages_resolves_in_bulk_and_exports_alerts(
    at_size, staff, uow, court, size
):
    warnings = raise_many(uow, court.code, 45)
    critical = raise_many(uow, court.code, 8, kind="unmatched_debit", facts={})
    staff("desk", "投诉专员")
    page = at_size(size)
    sign_in(page, "投诉专员")
    page.goto("/alerts")
    assert page.get_by_test_id("tab-open").get_by_test_id("tab-count").inner_text() == "53"
    assert rows_shown(page) == 50
    assert page.get_by_test_id("total-count").inner_text() == "53"
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)
    screenshot(page, f"alerts-list-{size}")

    page.get_by_test_id("filter-severity").select_option("critical")
    page.get_by_test_id("apply").click()
    page.wait_for_url("**severity=critical**")
    assert rows_shown(page) == 8
    assert {r.get_attribute("data-severity") for r in page.get_by_test_id("alert").all()} == {
        "critical"
    }

    page.goto("/alerts")
    page.get_by_test_id("next-page").click()
    page.wait_for_url("**after=**")
    assert rows_shown(page) == 3
    assert page.locator(f"#alert-{warnings[-1]}").is_visible()

    page.goto("/alerts")
    for alert_id in critical[:3]:
        page.locator(f"#alert-{alert_id}").get_by_test_id("select").check()
    page.get_by_test_id("bulk-note").fill("同一错误文件导致，已撤销导入")
    page.get_by_test_id("bulk-resolve").click()
    page.wait_for_url("**/alerts**")
    assert "已办结 3 条预警" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("tab-resolved").get_by_test_id("tab-count").inner_text() == "3"
    assert_accessible(page)
    screenshot(page, f"alerts-bulk-{size}")
    page.locator(f"#alert-{critical[3]}").scroll_into_view_if_needed()
    screenshot(page, f"alerts-rows-{size}")

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert download.value.suggested_filename.startswith("预警清单_")
    assert sheet.max_row - 1 == int(page.get_by_test_id("total-count").inner_text()) == 50
    assert sheet.freeze_panes == "A2"


@SIZES
def test_finance_filters_pages_and_exports_the_import_history(
    at_size, staff, client, court, size, monkeypatch
):
    monkeypatch.setattr(statements_page, "HISTORY_PAGE", 2)
    for week, day in enumerate(("2026-11-02", "2026-11-09", "2026-11-16"), start=1):
        rows = [Row(day, f"{week}000.00", "张伟", "6222020200112233445", f"第{week}周")]
        assert upload(client, court, csv_statement(rows), name=f"w{week}.csv").status_code == 201
    staff("finance", "会计")
    page = at_size(size)
    sign_in(page, "会计")
    page.goto("/statements")
    assert page.get_by_test_id("statement-row").count() == 2
    assert page.get_by_test_id("total-count").inner_text() == "3"
    assert page.get_by_test_id("total-credits").inner_text() == "5,000.00"
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)
    screenshot(page, f"statements-list-{size}")
    page.get_by_test_id("next-page").click()
    page.wait_for_url("**before=**")
    assert page.get_by_test_id("statement-row").count() == 1

    page.goto("/statements")
    page.get_by_test_id("filter-from").fill("2026-11-08")
    page.get_by_test_id("filter-to").fill("2026-11-10")
    page.get_by_test_id("apply").click()
    page.wait_for_url("**from=2026-11-08**")
    assert page.get_by_test_id("statement-row").count() == 1
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert len(text.strip().splitlines()) == 2 and "2000.00" in text


@SIZES
def test_the_charts_page_draws_four_charts_readably(at_size, staff, client, uow, court, size):
    rows = [Row("2026-11-02", "1200.00", "赵敏", "6214830100456789", "转账")]
    upload(client, court, csv_statement(rows))
    raise_many(uow, court.code, 2, kind="notice_overdue", facts={})
    staff("finance", "会计")
    page = at_size(size)
    sign_in(page, "会计")
    page.goto("/reports/charts")
    for chart in ("ageing", "balance", "alerts", "deadlines"):
        assert page.get_by_test_id(f"chart-{chart}").is_visible()
    assert page.locator("svg.chart").count() >= 4
    assert "1,200.00" in page.get_by_test_id("chart-ageing").inner_text()
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)
    screenshot(page, f"charts-{size}")


@SIZES
def test_sign_in_and_home_have_no_serious_accessibility_violation(at_size, staff, size):
    staff("finance", "会计")
    page = at_size(size)
    page.goto("/login")
    assert_accessible(page)
    sign_in(page, "会计")
    assert_accessible(page)
    if size == "phone":
        assert_no_sideways_scroll(page)
    screenshot(page, f"home-{size}")
