"""Issue #18 in a real browser: finance keeps the rules for lines that are not case money
(利息, 手续费): makes one, sees the upload preview apply it, tries it on past lines,
changes it and switches it off; an unsafe pattern is refused with its reason."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.integration.statement_files import Row, csv_statement

pytestmark = pytest.mark.browser

BANK = "中国工商银行北京朝阳支行"


def test_finance_keeps_a_rule_for_bank_interest(new_page, staff, court, tmp_path):
    staff("finance", "李会计")
    page = new_page()
    sign_in(page, "李会计")
    page.get_by_test_id("nav-line-rules").click()
    page.wait_for_url("**/line-rules")
    assert page.get_by_test_id("no-line-rules").is_visible()

    page.get_by_test_id("rule-name").fill("坏模式")
    page.get_by_test_id("rule-remark-pattern").fill("(a+)+$")
    page.get_by_test_id("line-rule-create").click()
    page.get_by_test_id("line-rule-error").wait_for()
    assert "摘要模式不安全" in page.get_by_test_id("line-rule-error").inner_text()

    page.get_by_test_id("rule-name").fill("季度结息")
    page.get_by_test_id("rule-remark-pattern").fill("")
    page.get_by_test_id("rule-direction").select_option("credit")
    page.get_by_test_id("rule-remark-text").fill("结息")
    page.get_by_test_id("rule-outcome").select_option("interest")
    page.get_by_test_id("line-rule-create").click()
    page.wait_for_url("**/line-rules")
    page.get_by_test_id("line-rule-name").wait_for()
    assert page.get_by_test_id("line-rule-name").inner_text() == "季度结息"
    assert page.get_by_test_id("line-rule-outcome").inner_text() == "利息"
    screenshot(page, "line-rules")

    statement = tmp_path / "statement.csv"
    statement.write_bytes(
        csv_statement(
            [
                Row("2026-03-20", "12.34", BANK, "", "季度结息", reference="R1"),
                Row("2026-03-20", "500.00", "李强", "6217000011112222", "还款", reference="R2"),
            ]
        )
    )
    page.goto("/statements/upload")
    page.set_input_files("input[name=file]", str(statement))
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r".*/statements/previews/[0-9a-f]+$"))
    interest = page.locator("[data-testid=preview-line][data-outcome=non_case]")
    assert interest.count() == 1
    assert "非案款" in interest.inner_text() and "利息（按识别规则）" in interest.inner_text()
    screenshot(page, "line-rules-preview")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r".*/statements/\d+$"))

    page.goto("/line-rules")
    page.get_by_test_id("line-rule-matches").click()
    page.wait_for_url(re.compile(r".*/line-rules/\d+/matches$"))
    page.get_by_test_id("matches-from").fill("2026-03-01")
    page.get_by_test_id("matches-to").fill("2026-03-31")
    page.get_by_test_id("matches-find").click()
    page.wait_for_url(re.compile(r".*/matches\?from=2026-03-01.*"))
    lines = page.get_by_test_id("matched-line")
    lines.first.wait_for()
    assert lines.count() == 1 and "季度结息" in lines.first.inner_text()
    screenshot(page, "line-rule-matches")

    page.goto("/line-rules")
    page.get_by_test_id("line-rule-edit").click()
    page.wait_for_url(re.compile(r".*/line-rules/\d+$"))
    assert page.get_by_test_id("rule-remark-text").input_value() == "结息"
    page.get_by_test_id("rule-amount-max").fill("100.00")
    page.get_by_test_id("line-rule-save").click()
    page.wait_for_url("**/line-rules")
    assert "100.00" in page.get_by_test_id("line-rules").inner_text()

    page.get_by_test_id("line-rule-switch").click()
    page.wait_for_url("**/line-rules")
    page.locator("[data-active=false]").wait_for()
    assert page.get_by_test_id("line-rule-status").inner_text() == "已停用"
    page.get_by_role("button", name="English").click()
    page.locator("h1", has_text="Line rules").wait_for()
    assert page.get_by_test_id("line-rule-status").inner_text() == "switched off"
