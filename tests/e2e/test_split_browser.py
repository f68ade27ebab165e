"""Finance splits one transfer across cases and assigns several orphans at once, in a browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.integration.payments import balance
from tests.integration.statement_files import Row, csv_statement, upload

pytestmark = pytest.mark.browser


def typo(number: str) -> str:
    return number[:-3] + str((int(number[-3]) + 1) % 10) + number[-2:]


@pytest.fixture
def orphans(client, court, register_case):
    """Three cases; a transfer for several of them, and two credits with a mistyped number."""
    a, b, c = register_case(), register_case(), register_case()
    rows = [
        Row("2026-11-02", "10000.00", "北京远航物流有限公司", "0109014170001111", "还款", "", "S1"),
        Row(
            "2026-11-03",
            "300.00",
            "李强",
            "6228480010099887766",
            "",
            typo(b["sub_account_number"]),
            "S2",
        ),
        Row(
            "2026-11-04",
            "120.50",
            "赵敏",
            "6214830100456789",
            "",
            typo(c["sub_account_number"]),
            "S3",
        ),
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    items = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    return {"cases": (a, b, c), "lines": items}


def flash(page) -> str:
    return page.locator(".notice-success").first.inner_text()


def test_finance_splits_a_transfer_and_assigns_two_orphans_at_once(
    new_page, staff, court, client, orphans
):
    a, b, c = orphans["cases"]
    transfer, second, third = orphans["lines"]
    staff("finance", "王会计")
    page = new_page()
    sign_in(page, "王会计")
    page.goto("/orphans")
    card = page.locator(f"#orphan-{transfer['id']}")
    split = card.get_by_test_id("split")
    split.get_by_test_id("part-case-0").fill(a["case_number"])
    split.get_by_test_id("part-amount-0").fill("6000.00")
    split.get_by_test_id("part-case-1").fill(b["case_number"])
    split.get_by_test_id("part-amount-1").fill("2500.50")
    split.locator("input[name=reason]").fill("被执行人一笔付两案，来函说明")
    screenshot(page, "orphans-split")
    split.get_by_role("button", name="拆分分配").click()
    page.wait_for_url("**/orphans")
    assert "已将 8,500.50 元分配至 2 个案件，余额 1,499.50 元" in flash(page)
    card = page.locator(f"#orphan-{transfer['id']}")
    assert card.get_by_test_id("unplaced").inner_text() == "1,499.50 元"
    assert card.get_by_test_id("part").count() == 2
    assert balance(client, court, a["id"])["received"] == "6000.00"
    assert balance(client, court, b["id"])["received"] == "2500.50"

    bulk = page.get_by_test_id("bulk-assign")
    bulk.get_by_test_id(f"bulk-pick-{second['id']}").check()
    bulk.get_by_test_id(f"bulk-pick-{third['id']}").check()
    assert bulk.get_by_test_id(f"bulk-case-{second['id']}").input_value() == str(b["id"])
    bulk.locator("input[name=reason]").fill("子账号输错一位，来电确认")
    screenshot(page, "orphans-bulk")
    bulk.get_by_role("button", name="批量分配").click()
    page.wait_for_url("**/orphans")
    assert "已批量分配 2 笔来款" in flash(page)
    assert page.locator(f"#orphan-{second['id']}").count() == 0
    assert balance(client, court, b["id"])["received"] == "2800.50"
    assert balance(client, court, c["id"])["received"] == "120.50"

    part = page.locator(f"#orphan-{transfer['id']}").get_by_test_id("part").nth(1)
    part.locator("input[name=reason]").fill("乙案金额有误")
    part.get_by_role("button", name="撤销此部分").click()
    page.wait_for_url("**/orphans")
    assert balance(client, court, b["id"])["received"] == "300.00"
    card = page.locator(f"#orphan-{transfer['id']}")
    assert card.get_by_test_id("unplaced").inner_text() == "4,000.00 元"

    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Split").wait_for()
    assert page.get_by_role("button", name="Split").count() == 1
    assert page.get_by_test_id("split").first.locator("h3").inner_text() == "Split across cases"
    screenshot(page, "orphans-split-english")
