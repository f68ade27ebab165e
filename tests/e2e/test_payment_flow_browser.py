"""Paying out in a real browser (#21): a payment requested by the enforcement system, two
approvals by position, finance's review, the payment file, the statement debit: paid."""

from __future__ import annotations

import re

import pytest

from reconcile.services import users
from tests.e2e.conftest import screenshot, sign_in
from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, LEADER, PAYEE
from tests.integration.money import credit_case
from tests.integration.staff_pages import PASSWORD
from tests.integration.statement_files import Row, csv_statement

pytestmark = pytest.mark.browser
settings = court_flow.settings


def test_a_payment_goes_through_both_levels_finance_and_the_payment_file_to_paid(
    new_page, court, register_case, client, uow, admin, settings, engine, tmp_path
):
    for username, role, position in (
        ("周局长", "approver", DIRECTOR),
        ("李院长", "approver", LEADER),
        ("王会计", "finance", "财务人员"),
    ):
        users.create_user(
            uow(), admin, username=username, password=PASSWORD, role=role,
            courts=[court.code], position=position, settings=settings,
        )  # fmt: skip
    case = register_case()
    credit_case(engine, case["id"], 200_000_00)
    made = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "120000.00", "payee_account_number": PAYEE, "note": "支付通知"},
        headers=court.headers("enforcement"),
    ).get_json()
    reference = made["reference"]

    leader = new_page()
    sign_in(leader, "李院长")
    leader.goto("/approvals")
    assert leader.get_by_test_id("approval").count() == 0  # level 1 is the director's

    director = new_page()
    sign_in(director, "周局长")
    director.goto("/approvals")
    card = director.locator(f"#approval-{made['id']}")
    assert card.get_by_test_id("level-position").inner_text() == DIRECTOR
    card.get_by_test_id("approve").click()
    director.wait_for_url("**/approvals")
    assert director.get_by_test_id("approval").count() == 0  # level 2 is not his

    leader.goto("/approvals")
    card = leader.locator(f"#approval-{made['id']}")
    assert card.get_by_test_id("level-position").inner_text() == LEADER
    assert f"周局长（{DIRECTOR}）" in card.inner_text()  # level 1: name, position, time
    screenshot(leader, "approvals-by-position")
    card.get_by_test_id("approve").click()
    leader.wait_for_url("**/approvals")

    finance = new_page()
    sign_in(finance, "王会计")
    finance.goto("/payments/review")
    review = finance.locator(f"#review-{made['id']}")
    levels = review.get_by_test_id("review-level").all_inner_texts()
    assert [DIRECTOR in levels[0], LEADER in levels[1]] == [True, True]
    screenshot(finance, "finance-review")
    finance.goto(f"/payments/{made['id']}/approval-form")
    rows = finance.get_by_test_id("form-level").all_inner_texts()
    assert "周局长（执行局长）" in rows[0] and "李院长（分管院领导）" in rows[1]
    assert finance.get_by_test_id("in-words").inner_text() == "壹拾贰万元整"
    screenshot(finance, "approval-form")
    finance.goto("/payments/review")
    review = finance.locator(f"#review-{made['id']}")
    review.get_by_test_id("review-approve").click()
    finance.wait_for_url("**/payments/review")
    assert reference in finance.locator(".notice-success").inner_text()

    finance.goto("/payments/files")
    assert reference in finance.get_by_test_id("files-pending").inner_text()
    finance.get_by_test_id("export-payment-file").click()
    finance.wait_for_url("**/payments/files")
    screenshot(finance, "payment-files")
    with finance.expect_download() as caught:
        finance.get_by_test_id("payment-file").first.get_by_test_id("download-csv").click()
    exported = caught.value.path().read_bytes().decode("utf-8-sig")
    assert reference in exported and "壹拾贰万元整" in exported

    statement = tmp_path / "专户流水-12月.csv"
    statement.write_bytes(
        csv_statement(
            [Row("2026-12-02", "-120000.00", "北京华信商贸有限公司", PAYEE,
                 f"{case['case_number']} {reference}", reference="ICBC1202001")],
            opening="500000.00",
        )
    )  # fmt: skip
    finance.goto("/statements/upload")
    finance.select_option("select[name=account]", court.account)
    finance.set_input_files("input[name=file]", str(statement))
    finance.click("form.form button[type=submit]")
    finance.wait_for_url("**/statements/previews/*")
    finance.get_by_test_id("confirm-import").click()
    finance.wait_for_url(re.compile(r".*/statements/\d+$"))
    paid = client.get(
        f"/api/v1/disbursements/{made['id']}", headers=court.headers("finance")
    ).get_json()
    assert (paid["status"], paid["confirmed"]) == ("paid", True)
    finance.goto(f"/cases/{case['id']}")
    assert "120,000.00" in finance.locator("body").inner_text()
