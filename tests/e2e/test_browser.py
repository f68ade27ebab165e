"""Finance staff at work in a real browser: sign in, import, resolve, approve, alert.

Each test leaves screenshots of the pages it passes through in artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from reconcile.actors import Actor
from reconcile.services import disbursements
from tests.e2e.conftest import screenshot, sign_in
from tests.integration.statement_files import Row, csv_statement

pytestmark = pytest.mark.browser

PAYEE = "110060149018800012345"  #: the applicant's account in case_body


@pytest.fixture
def month(court, register_case, tmp_path):
    """Two cases and a statement file: a match, a typo'd sub-account, a stranger's debit."""
    first, second = register_case(), register_case()
    typo = first["sub_account_number"][:-3] + "9" + first["sub_account_number"][-2:]
    rows = [
        Row(
            "2026-11-16",
            "30000.00",
            "张伟",
            "6222020200112233445",
            "执行款",
            first["sub_account_number"],
            "B1",
        ),
        Row("2026-11-17", "5000.00", "李强", "6228480010099887766", "执行款", typo, "B2"),
        Row("2026-11-18", "1200.00", "赵敏", "6214830100456789", "转账", "", "B3"),
        Row("2026-11-19", "-800.00", "某咨询服务部", "6222600110022334455", "服务费", "", "B4"),
    ]
    path = tmp_path / "工行流水-2026-11.csv"
    path.write_bytes(csv_statement(rows))
    return {"cases": (first, second), "file": path}


def upload(page, court, path, *, shot: str | None = None) -> None:
    """Upload, read the preview, confirm the import (确认导入)."""
    page.goto("/statements/upload")
    page.select_option("select[name=account]", court.account)
    page.set_input_files("input[name=file]", str(path))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/statements/previews/*")
    if shot:
        screenshot(page, shot)
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r".*/statements/\d+$"))


def test_staff_sign_in_and_see_todays_work(new_page, staff):
    staff("finance", "王会计")
    page = new_page()
    page.goto("/orphans")
    assert "/login" in page.url
    screenshot(page, "login")
    sign_in(page, "王会计")
    page.goto("/")
    assert page.get_by_test_id("signed-in-user").inner_text() == "王会计"
    assert page.get_by_test_id("count-orphans").locator(".stat-value").inner_text() == "0"
    screenshot(page, "home-empty")
    page.get_by_role("button", name="English").click()
    page.locator("h1", has_text="Today's work").wait_for()
    assert page.locator("h1").inner_text() == "Today's work"
    screenshot(page, "home-english")


def test_finance_uploads_a_statement_and_reads_the_report(new_page, staff, court, month):
    staff("finance")
    page = new_page()
    sign_in(page, "finance")
    page.goto("/statements/upload")
    screenshot(page, "upload")
    upload(page, court, month["file"], shot="import-preview")
    numbers = {
        name: page.get_by_test_id(name).locator(".stat-value").inner_text()
        for name in ("lines-new", "credits-matched", "orphans", "debits-flagged")
    }
    assert numbers == {
        "lines-new": "4",
        "credits-matched": "1",
        "orphans": "2",
        "debits-flagged": "1",
    }
    assert page.get_by_test_id("balance-check").inner_text() == "相符"
    screenshot(page, "import-report")
    page.goto("/")
    assert page.get_by_test_id("count-orphans").locator(".stat-value").inner_text() == "2"
    screenshot(page, "home")


def test_the_preview_shows_each_line_and_filters_by_outcome(new_page, staff, court, month):
    staff("finance")
    page = new_page()
    sign_in(page, "finance")
    page.goto("/statements/upload")
    page.select_option("select[name=account]", court.account)
    page.set_input_files("input[name=file]", str(month["file"]))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/statements/previews/*")
    assert "尚未导入" in page.get_by_test_id("preview-notice").inner_text()
    assert page.get_by_test_id("preview-line").count() == 4
    page.get_by_test_id("filter-orphan").click()
    assert page.get_by_test_id("preview-line").count() == 2
    screenshot(page, "import-preview-orphans")
    page.get_by_role("button", name="取消").click()
    page.wait_for_url("**/statements/upload")
    assert "未导入任何流水" in page.locator(".notice-success").inner_text()


def test_a_refused_file_names_the_line_at_fault(new_page, staff, court, tmp_path):
    staff("finance")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(csv_statement([Row("2026-11-16", "10.00", "甲")]).replace(b"10.00", b"ten"))
    page = new_page()
    sign_in(page, "finance")
    page.goto("/statements/upload")
    page.set_input_files("input[name=file]", str(broken))
    page.select_option("select[name=account]", court.account)
    page.click("form.form button[type=submit]")
    error = page.get_by_test_id("upload-error").inner_text()
    assert "第 2 行" in error
    screenshot(page, "upload-refused")


def test_finance_assigns_an_orphan_to_the_suggested_case(new_page, staff, court, month):
    staff("finance")
    page = new_page()
    sign_in(page, "finance")
    upload(page, court, month["file"])
    page.goto("/orphans")
    screenshot(page, "orphans")
    first = page.get_by_test_id("orphan").first
    assert month["cases"][0]["case_number"] in first.inner_text()
    first.locator("input[name=reason]").first.fill("付款人来电确认子账号填错")
    first.get_by_role("button", name="分配", exact=True).click()
    page.wait_for_url("**/orphans")
    assert "已将 5,000.00 元分配至案件" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("orphan").count() == 1
    page.goto(f"/cases/{month['cases'][0]['id']}")
    assert page.get_by_test_id("available").inner_text() == "35,000.00"
    screenshot(page, "case")


def test_a_second_user_approves_a_disbursement(new_page, staff, court, month, uow, settings):
    staff("finance")
    staff("approver", "审批人甲")
    case = month["cases"][0]
    finance = new_page()
    sign_in(finance, "finance")
    upload(finance, court, month["file"])
    judge = Actor("执行法官", "enforcement", frozenset({court.code}), id="token:judge")
    disbursements.request_disbursement(
        uow(), judge, case["id"], amount=1_000_000, payee_account_number=PAYEE, settings=settings
    )
    page = new_page()
    sign_in(page, "审批人甲")
    page.goto("/approvals")
    request = page.get_by_test_id("approval").first
    assert request.get_by_test_id("payee-named").is_visible()
    screenshot(page, "approvals")
    request.get_by_test_id("approve").click()
    page.wait_for_url("**/approvals")
    assert "已批准 10,000.00 元" in page.locator(".notice-success").inner_text()
    assert page.get_by_test_id("approval").count() == 0


def test_the_desk_acknowledges_an_alert(new_page, staff, court, month):
    staff("finance")
    staff("desk", "投诉专员")
    finance = new_page()
    sign_in(finance, "finance")
    upload(finance, court, month["file"])
    finance.goto("/reports/reconciliation?date=2026-11-19&days=5")
    screenshot(finance, "reconciliation")
    page = new_page()
    sign_in(page, "投诉专员")
    page.goto("/alerts")
    screenshot(page, "alerts")
    critical = page.locator(".severity-critical [data-testid=alert]").first
    alert_id = critical.get_attribute("id")
    critical.locator("input[name=note]").first.fill("已致电开户行核实")
    critical.get_by_test_id("acknowledge").click()
    page.wait_for_url("**/alerts**")
    assert "已确认受理" in page.locator(".notice-success").inner_text()
    page.goto("/alerts?status=acknowledged")
    assert page.locator(f"#{alert_id}").is_visible()


def test_a_post_without_its_csrf_token_is_refused(new_page, staff, court, month):
    staff("finance")
    page = new_page()
    sign_in(page, "finance")
    upload(page, court, month["file"])
    refused = page.request.post(
        "/orphans/2/assign", form={"case_ref": month["cases"][0]["case_number"], "reason": "x"}
    )
    assert refused.status == 400
    page.goto("/orphans")
    assert page.get_by_test_id("orphan").count() == 2
