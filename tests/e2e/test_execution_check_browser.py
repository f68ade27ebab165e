"""The monthly execution ↔ finance check, in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_verify_account_browser import ENGLISH_SENTENCE
from tests.integration.money import credit_case

pytestmark = pytest.mark.browser


def test_finance_reads_the_month_check_and_downloads_it(new_page, staff, register_case, engine):
    case = register_case()
    credit_case(engine, case["id"], 4_200_00)
    staff("finance")
    page = new_page()
    sign_in(page, "finance")
    page.get_by_role("link", name="执财核对").click()
    page.wait_for_url("**/reports/execution-finance-check")
    idle = page.get_by_test_id("checks-money_without_request")
    assert case["case_number"] in idle.inner_text()
    assert idle.get_by_test_id("checks-total").inner_text().strip() == "4,200.00"
    screenshot(page, "execution-check")
    assert not ENGLISH_SENTENCE.search(page.locator("main").inner_text())
    with page.expect_download() as download:
        page.get_by_test_id("checks-xlsx").click()
    assert download.value.suggested_filename.startswith("执财核对-")
