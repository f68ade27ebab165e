"""A wrong import taken back in a real browser: preview, import, void, approve, import again."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.integration.payments import balance
from tests.integration.statement_files import Row, csv_statement

pytestmark = pytest.mark.browser


def _reconciled(client, court) -> str:
    response = client.get(
        "/api/v1/reports/reconciliation",
        query_string={"account": court.account, "date": "2026-11-30"},
        headers=court.headers("finance"),
    )
    return response.get_json()["status"]


def _import(page, court, path) -> str:
    page.goto("/statements/upload")
    page.select_option("select[name=account]", court.account)
    page.set_input_files("input[name=file]", str(path))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/statements/previews/*")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r".*/statements/\d+$"))
    return page.url


def test_a_wrong_import_is_voided_with_approval_and_imports_again(
    new_page, staff, court, register_case, client, tmp_path
):
    case = register_case()
    good = tmp_path / "专户流水-11月上.csv"
    good.write_bytes(
        csv_statement(
            [Row("2026-11-02", "1000.00", "张伟", "", "执行款", case["sub_account_number"], "G1")]
        )
    )
    wrong = tmp_path / "个人卡导出.csv"
    wrong.write_bytes(
        csv_statement(
            [
                Row("2026-11-05", "300.00", "张伟", "", "执行款", case["sub_account_number"], "W1"),
                Row("2026-11-05", "200.00", "某某公司", "123456", "货款", reference="W2"),
                Row("2026-11-06", "-50.00", "某超市", "6222888877776666", "消费", reference="W3"),
            ],
            opening="3000.00",
        )
    )
    staff("finance", "王会计")
    staff("approver", "李局长")
    finance = new_page()
    sign_in(finance, "王会计")
    _import(finance, court, good)
    before = balance(client, court, case["id"])
    assert _reconciled(client, court) == "ok"

    statement_page = _import(finance, court, wrong)
    assert balance(client, court, case["id"])["received"] == "1300.00"
    assert _reconciled(client, court) == "mismatch"
    outcomes = finance.locator("[data-testid=statement-line]").evaluate_all(
        "rows => rows.map(r => r.dataset.outcome)"
    )
    assert sorted(outcomes) == ["flagged", "matched", "orphan"]
    screenshot(finance, "statement-before-void")
    finance.fill("[data-testid=void-reason]", "误选专户：个人银行卡流水")
    finance.once("dialog", lambda dialog: dialog.accept())
    finance.get_by_test_id("request-void").click()
    finance.wait_for_selector("[data-testid=void][data-status=requested]")

    approver = new_page()
    sign_in(approver, "李局长")
    approver.goto("/approvals")
    card = approver.locator("[data-testid=void-approval]")
    assert "误选专户" in card.inner_text()
    screenshot(approver, "void-approval")
    card.get_by_test_id("approve-void").click()
    approver.wait_for_url("**/approvals")

    finance.goto(statement_page)
    finance.wait_for_selector("[data-testid=voided]")
    outcomes = finance.locator("[data-testid=statement-line]").evaluate_all(
        "rows => rows.map(r => r.dataset.outcome)"
    )
    assert set(outcomes) == {"void"}
    statuses = finance.locator("[data-testid=statement-alert]").evaluate_all(
        "rows => rows.map(r => r.dataset.status)"
    )
    assert statuses and set(statuses) == {"resolved"}
    screenshot(finance, "statement-voided")
    assert balance(client, court, case["id"]) == before
    assert _reconciled(client, court) == "ok"

    again = _import(finance, court, wrong)
    assert again != statement_page
    assert balance(client, court, case["id"])["received"] == "1300.00"
