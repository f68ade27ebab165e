"""Finance sees an orphan not identified in time on the alerts page and takes it up."""

from __future__ import annotations

from datetime import date

import pytest

from reconcile.services.deadlines import scan_deadlines
from tests.e2e.conftest import screenshot, sign_in
from tests.integration.statement_files import Row, csv_statement, upload

pytestmark = pytest.mark.browser


def test_finance_takes_up_an_orphan_not_identified_in_time(
    new_page, staff, client, court, engine, settings
):
    row = Row("2026-03-02", "10000.00", "北京远航物流有限公司", "0109014170001111", "还款")
    assert upload(client, court, csv_statement([row])).status_code == 201
    assert scan_deadlines(engine, settings, date(2026, 3, 6))["identification_overdue"] == 1
    [alert] = client.get(
        "/api/v1/alerts",
        query_string={"kind": "identification_overdue"},
        headers=court.headers("desk"),
    ).get_json()["items"]
    staff("finance")
    page = new_page()
    sign_in(page, "finance")
    page.goto("/alerts?kind=identification_overdue")
    shown = page.locator(f"#alert-{alert['id']}")
    assert "不明款未按时识别" in shown.inner_text()
    assert "应于 2026-03-05 前识别" in shown.inner_text()
    shown.get_by_test_id("acknowledge").click()
    page.wait_for_url("**/alerts**")
    screenshot(page, "alerts-identification-overdue")
    page.goto("/alerts?status=acknowledged")
    assert page.locator(f"#alert-{alert['id']}").is_visible()
