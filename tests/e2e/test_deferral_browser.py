"""A deferral asked on the case page with its review day and amount (#18), seen by the
approvers in their queue: asked after the notice was due, it is flagged late there."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reconcile.clock import local_today
from tests.e2e.conftest import screenshot, sign_in
from tests.integration.money import credit_case

pytestmark = pytest.mark.browser


def test_enforcement_asks_a_deferral_with_a_review_day_and_the_approver_sees_it_late(
    new_page, staff, client, court, engine, register_case
):
    case = register_case()
    # money that has waited sixty days: its notice was due long ago
    credit_case(engine, case["id"], 10_000_00, arrived_on=local_today() - timedelta(days=60))
    review_on = (local_today() + timedelta(days=14)).isoformat()
    staff("enforcement", "执行法官")
    staff("approver", "审批人")

    judge = new_page()
    sign_in(judge, "执行法官")
    judge.goto(f"/cases/{case['id']}")
    form = judge.get_by_test_id("deferral-form")
    form.locator("select[name=kind]").select_option("deferral")
    form.locator("input[name=ground]").fill("案外人提起执行异议之诉")
    form.locator("input[name=document_reference]").fill("（2026）京0105执异18号")
    judge.get_by_test_id("request-deferral").click()  # neither an end nor a review day
    judge.get_by_test_id("deferral-form").wait_for()
    assert "请填写截止日期或复查日期" in judge.locator("main").inner_text()
    form = judge.get_by_test_id("deferral-form")
    form.locator("input[name=review_on]").fill(review_on)
    form.locator("input[name=amount]").fill("4000.00")
    judge.get_by_test_id("request-deferral").click()
    judge.wait_for_url(f"**/cases/{case['id']}#deferrals")
    assert "已提交延缓发放申请" in judge.locator(".notice-success").inner_text()
    assert judge.get_by_test_id("deferral-review-on").inner_text() == review_on
    assert judge.get_by_test_id("deferral-late").inner_text() == "逾期申请"
    judge.locator("#deferrals").scroll_into_view_if_needed()
    screenshot(judge, "case-deferral-review-late")
    [made] = client.get(
        f"/api/v1/cases/{case['id']}/deferrals", headers=court.headers("desk")
    ).get_json()["items"]
    assert (made["review_on"], made["amount"], made["late"]) == (review_on, "4000.00", True)

    approver = new_page()
    sign_in(approver, "审批人")
    approver.goto("/approvals")
    card = approver.locator(f"#deferral-{made['id']}")
    card.wait_for()
    assert card.get_by_test_id("deferral-review-on").inner_text() == review_on
    assert card.get_by_test_id("deferral-late").inner_text() == "逾期申请"
    assert card.get_by_test_id("deferral-amount").inner_text() == "4,000.00"
    screenshot(approver, "approvals-deferral-late")
    card.get_by_test_id("approve-deferral").click()
    approver.wait_for_url("**/approvals")
    assert "已批准" in approver.locator(".notice-success").inner_text()
