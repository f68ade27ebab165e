"""The case page's request form for the other kinds of disbursement, in a real browser
(#17): choosing a kind offers only its lawful destinations, the confirmation names the
kind, the amount and the account, a refusal (a refund to the respondent while the
applicant is owed) is shown at the form with the input kept; each applicant's entitled,
paid and due are on the page."""

from __future__ import annotations

import pytest

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_case_actions_browser import answering
from tests.integration.money import credit_case
from tests.integration.test_disbursement_kinds import (
    ESCROW_ACCOUNT,
    FEE_ACCOUNT,
    RESPONDENT,
    settings,  # noqa: F401
)

pytestmark = pytest.mark.browser


def visible_destinations(form) -> list[str]:
    return form.locator("select[name=payee_account_number] option").evaluate_all(
        "options => options.filter(o => o.value && !o.parentElement.hidden).map(o => o.value)"
    )


def test_the_request_form_offers_each_kinds_destinations_and_names_what_it_sends(
    new_page, staff, register_case, engine, client, court
):
    case = register_case(amount_due="50000.00")
    credit_case(engine, case["id"], 60_000_00)
    staff("enforcement", "执行法官")
    page = new_page()
    asked = answering(page)
    sign_in(page, "执行法官")
    page.goto(f"/cases/{case['id']}")
    applicant = page.get_by_test_id("applicant-1")
    assert applicant.get_by_test_id("entitled").inner_text() == "50,000.00"
    assert applicant.get_by_test_id("due").inner_text() == "50,000.00"

    form = page.get_by_test_id("kinds-form")
    kind = form.get_by_test_id("kind-select")
    kind.select_option("fee")
    assert visible_destinations(form) == [FEE_ACCOUNT]
    assert not form.get_by_test_id("overrides").is_visible()  # a refund's only
    kind.select_option("escrow")
    assert visible_destinations(form) == [ESCROW_ACCOUNT]
    kind.select_option("respondent_refund")
    assert visible_destinations(form) == [RESPONDENT]
    assert form.get_by_test_id("overrides").is_visible()

    # a refund while the applicant is owed: refused at the form, the input kept
    form.get_by_test_id("destination-select").select_option(RESPONDENT)
    form.locator("input[name=amount]").fill("10000.00")
    form.locator("input[name=document_reference]").fill("（2026）京0105执1号之一")
    form.get_by_test_id("request-kind").click()
    refusal = page.get_by_test_id("refusal-kinds")
    refusal.wait_for()
    assert "申请执行人应得款尚未付清" in refusal.inner_text()
    form = page.get_by_test_id("kinds-form")
    assert form.locator("input[name=amount]").input_value() == "10000.00"
    assert form.get_by_test_id("kind-select").input_value() == "respondent_refund"
    assert asked[-1] == f"确认申请退还被执行人：10000.00 元，付至 被执行人 张伟 · {RESPONDENT}？"

    # the fee: to the court's fee account, named in the question
    form.get_by_test_id("kind-select").select_option("fee")
    form.get_by_test_id("destination-select").select_option(FEE_ACCOUNT)
    form.locator("input[name=amount]").fill("500.00")
    form.get_by_test_id("request-kind").click()
    page.wait_for_url(f"**/cases/{case['id']}#payments")
    assert asked[-1] == f"确认申请执行费：500.00 元，付至 京0105 收费账户 · {FEE_ACCOUNT}？"
    assert "已提交执行费申请" in page.locator(".notice-success").inner_text()
    [fee] = client.get(
        f"/api/v1/cases/{case['id']}/disbursements", headers=court.headers("finance")
    ).get_json()["items"]
    assert (fee["kind"], fee["amount"], fee["payee_account_number"]) == (
        "fee",
        "500.00",
        FEE_ACCOUNT,
    )
    assert (
        page.get_by_test_id(f"payment-{fee['id']}").get_by_test_id("payment-kind").inner_text()
        == "执行费"
    )
    screenshot(page, "case-disbursement-kinds")
    assert_accessible(page)
