"""The audit trail of a case, read in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_verify_account_browser import ENGLISH_SENTENCE

pytestmark = pytest.mark.browser


def test_a_reader_follows_a_case_trail_to_one_object(new_page, staff, register_case, client, court):
    case = register_case()
    hold = client.post(
        f"/api/v1/cases/{case['id']}/holds",
        json={
            "amount": "300.00",
            "reason": "案外人异议",
            "document_reference": "（2026）京0105执异12号",
        },
        headers=court.headers("enforcement"),
    ).get_json()
    staff("desk", "投诉专员")
    page = new_page()
    sign_in(page, "投诉专员")
    page.goto(f"/cases/{case['id']}/audit")
    assert "均完整" in page.get_by_test_id("audit-intact").inner_text()
    rows = page.get_by_test_id("audit-record")
    assert rows.count() == 2
    assert "暂缓发放 · 设置" in rows.nth(1).inner_text()
    screenshot(page, "audit-case")
    assert not ENGLISH_SENTENCE.search(page.locator("main").inner_text())
    rows.nth(1).get_by_role("link").click()
    page.wait_for_url(f"**/audit/hold/{hold['id']}")
    assert page.get_by_test_id("audit-record").count() == 1
