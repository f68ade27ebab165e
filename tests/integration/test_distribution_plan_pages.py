"""The distribution plans page (分配方案) without a browser: who sees which forms, refusals
said in the page's words, and no server error on any form input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reconcile.clock import local_today
from reconcile.db import registry
from tests.integration.money import credit_case
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.test_distribution_plans import APPLICANTS

__all__ = ["staff"]


@pytest.fixture
def case(register_case, engine) -> dict:
    made = register_case(applicants=APPLICANTS, amount_due="90000.00")
    credit_case(engine, made["id"], 10_000_00)
    with engine.connect() as conn:
        made["party_ids"] = [
            p["id"] for p in registry.parties_of(conn, made["id"]) if p["role"] == "applicant"
        ]
    return made


def page_of(case) -> str:
    return f"/cases/{case['id']}/distribution-plans"


def issue_form(case, **fields) -> dict:
    a, b = case["party_ids"]
    return {
        "method": "pro_rata",
        "party_id": [str(a), str(b)],
        f"amount_{a}": "20000.00",
        f"amount_{b}": "40000.00",
        "document_reference": "（2026）京0105执分9号",
        "served_on": (local_today() - timedelta(days=40)).isoformat(),
        **fields,
    }


def test_finance_reads_the_page_without_its_forms(client, staff, case):
    sign_in(client, staff("finance", "财务"))
    html = client.get(page_of(case)).get_data(as_text=True)
    assert "可分配金额" in html
    assert "9,950.00" in html  # the fee of 50.00 stays
    assert 'data-testid="issue-form"' not in html
    assert client.post(page_of(case), data={}).status_code in (400, 403)


def test_the_case_page_links_to_its_plans(client, staff, case):
    sign_in(client, staff("enforcement", "执行法官"))
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert page_of(case) in html


def test_a_plan_is_issued_and_executed_through_the_forms(client, staff, case):
    sign_in(client, staff("enforcement", "执行法官"))
    issued = post_form(client, page_of(case), page_of(case), **issue_form(case))
    assert issued.status_code == 302
    html = client.get(page_of(case)).get_data(as_text=True)
    assert "3,316.66" in html and "6,633.34" in html
    plan_id = int(html.split('data-testid="plan-shares-')[1].split('"')[0])
    executed = post_form(client, page_of(case), f"{page_of(case)}/{plan_id}/execute")
    assert executed.status_code == 302
    html = client.get(page_of(case)).get_data(as_text=True)
    assert "生成 2 笔支付申请" in html
    assert html.count('data-testid="share-request"') == 2


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"document_reference": " "}, "请填写文书号"),
        ({"served_on": "2026-02-30"}, "送达日期有误"),
        ({"method": "lottery"}, "请选择分配方式"),
        ({"party_id": ["abc"]}, "债权有误"),
        ({"party_id": ["99999999999999999999999"]}, "债权有误"),
        ({"served_on": (local_today() + timedelta(days=3)).isoformat()}, "送达日期有误"),
    ],
)
def test_a_refused_plan_says_why_in_the_page_and_keeps_the_input(
    client, staff, case, fields, words
):
    sign_in(client, staff("enforcement", "执行法官"))
    response = post_form(client, page_of(case), page_of(case), **issue_form(case, **fields))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert words in html
    assert "（2026）京0105执分9号" in html or fields.get("document_reference") == " "


def test_a_second_plan_is_refused_on_the_page(client, staff, case):
    sign_in(client, staff("enforcement", "执行法官"))
    post_form(client, page_of(case), page_of(case), **issue_form(case))
    html = client.get(page_of(case)).get_data(as_text=True)
    assert 'data-testid="issue-form"' not in html  # the open plan's forms instead
    again = post_form(client, page_of(case), page_of(case), **issue_form(case))
    assert again.status_code == 409
    assert "请先撤回" in again.get_data(as_text=True)


def test_an_objection_without_a_reason_is_refused_on_the_page(client, staff, case):
    sign_in(client, staff("enforcement", "执行法官"))
    post_form(client, page_of(case), page_of(case), **issue_form(case))
    html = client.get(page_of(case)).get_data(as_text=True)
    plan_id = int(html.split('data-testid="plan-shares-')[1].split('"')[0])
    response = post_form(
        client,
        page_of(case),
        f"{page_of(case)}/{plan_id}/objections",
        party_id=str(case["party_ids"][0]),
        reason=" ",
        document_reference="异议书",
    )
    assert response.status_code == 422
    assert "请填写异议理由" in response.get_data(as_text=True)
    other = post_form(
        client,
        page_of(case),
        f"/cases/{case['id'] + 1000}/distribution-plans/{plan_id}/withdraw",
    )
    assert other.status_code == 404


def test_the_page_reads_in_english_too(client, staff, case):
    sign_in(client, staff("enforcement", "执行法官"))
    with client.session_transaction() as session:
        session["language"] = "en"
    html = client.get(page_of(case)).get_data(as_text=True)
    assert "Issue a distribution plan" in html
    assert "Distributable" in html


def test_withdrawing_a_withdrawn_plan_is_said_in_the_pages_words(client, staff, case):
    sign_in(client, staff("enforcement", "执行法官"))
    post_form(client, page_of(case), page_of(case), **issue_form(case))
    html = client.get(page_of(case)).get_data(as_text=True)
    plan_id = int(html.split('data-testid="plan-shares-')[1].split('"')[0])
    action = f"{page_of(case)}/{plan_id}/withdraw"
    assert post_form(client, page_of(case), action).status_code == 302
    again = post_form(client, page_of(case), action)
    assert again.status_code == 302
    html = client.get(page_of(case)).get_data(as_text=True)
    assert "当前状态为“已撤回”" in html
