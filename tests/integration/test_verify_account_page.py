"""The complaint desk's account check page (/verify-account)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import COLLECTION_ACCOUNT
from tests.integration.staff_pages import sign_in, staff

__all__ = ["staff"]


@pytest.fixture
def desk(app, staff):
    client = app.test_client()
    sign_in(client, staff("desk", "投诉专员"))
    return client


def check(client, case_number: str, account: str):
    return client.get(
        "/verify-account", query_string={"case_number": case_number, "account_number": account}
    )


def test_the_case_sub_account_is_confirmed(desk, register_case):
    case = register_case()
    # the desk types the number as the caller reads it: half-width brackets, spaces
    spoken = case["case_number"].replace("（", "(").replace("）", ")")
    page = check(desk, spoken, " ".join(case["sub_account_number"]))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="verify-designated"' in html
    assert f"是。该账户是{case['case_number']}的案款子账号" in html


def test_another_account_is_refused_and_the_right_one_named(desk, register_case):
    case = register_case()
    html = check(desk, case["case_number"], "6222020200112233445").get_data(as_text=True)
    assert 'data-testid="verify-not-designated"' in html
    assert f"本案唯一的案款子账号是{case['sub_account_number']}" in html
    assert 'data-testid="verify-designated"' not in html


def test_the_collection_account_itself_is_not_the_case_account(desk, register_case):
    case = register_case()
    html = check(desk, case["case_number"], COLLECTION_ACCOUNT).get_data(as_text=True)
    assert 'data-testid="verify-collection"' in html
    assert case["sub_account_number"] in html


def test_a_case_of_another_court_is_not_found(app, staff, other_court, client):
    from tests.integration.conftest import case_body

    body = case_body(other_court.code)
    client.post("/api/v1/cases", json=body, headers=other_court.headers("enforcement"))
    desk = app.test_client()
    sign_in(desk, staff("desk", "投诉专员"))
    page = check(desk, body["case_number"], "6222020200112233445")
    assert page.status_code == 404
    assert "在您所属法院中未找到案件" in page.get_data(as_text=True)


def test_a_malformed_case_number_is_explained_in_chinese(desk):
    page = check(desk, "not a case", "6222020200112233445")
    assert page.status_code == 422
    assert "不是有效的案号" in page.get_data(as_text=True)


def test_the_form_alone_answers_nothing_and_approvers_may_not_use_it(desk, app, staff):
    html = desk.get("/verify-account").get_data(as_text=True)
    assert 'data-testid="verify-form"' in html and 'data-testid="verify-answer"' not in html
    approver = app.test_client()
    sign_in(approver, staff("approver"))
    assert approver.get("/verify-account").status_code == 403
