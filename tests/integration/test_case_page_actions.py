"""The case page's actions (#19): holds placed and released, a payment requested to a named
account, an approved payment marked paid; refusals said in Chinese at the form, input kept."""

from __future__ import annotations

import pytest

from reconcile.services import tokens
from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, FINANCE_STAFF, LEADER, PAYEE
from tests.integration.money import credit_case
from tests.integration.staff_pages import post_form, sign_in, staff

__all__ = ["staff"]
settings = court_flow.settings
HOLD = {
    "amount": "3000.00",
    "reason": "案外人执行异议",
    "document_reference": "（2026）京0105执异7号",
}


@pytest.fixture
def funded(register_case, engine):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00)
    return case


@pytest.fixture
def flow(uow, admin, court, settings) -> court_flow.Staff:
    """The bearer tokens court_flow.approved needs, by position."""

    def token(role: str, name: str, position: str) -> dict:
        made = tokens.create_token(
            uow(), admin, role=role, courts=[court.code], name=name, person=name,
            position=position, settings=settings,
        )  # fmt: skip
        return {"Authorization": f"Bearer {made}"}

    judge = token("enforcement", "执行法官 陈明", "执行法官")
    director = token("approver", "执行局长 周强", DIRECTOR)
    leader = token("approver", "副院长 李华", LEADER)
    finance = token("finance", "财务 王静", FINANCE_STAFF)
    return court_flow.Staff(judge, judge, director, director, leader, leader, finance, finance)


def balance(client, court, case_id: int) -> dict:
    shown = client.get(f"/api/v1/cases/{case_id}", headers=court.headers("desk")).get_json()
    return shown["balance"]


def text(response) -> str:
    return response.get_data(as_text=True)


def test_enforcement_places_a_hold_and_releases_it_in_part_then_whole(client, court, staff, funded):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{funded['id']}"
    assert 'data-testid="hold-form"' in text(client.get(page))
    placed = post_form(client, page, f"{page}/holds", **HOLD)
    assert placed.status_code == 302
    assert "已冻结 3,000.00 元" in text(client.get(page))
    assert (
        balance(client, court, funded["id"])["held"],
        balance(client, court, funded["id"])["available"],
    ) == ("3000.00", "7000.00")
    hold_id = client.get(
        f"/api/v1/cases/{funded['id']}/holds", headers=court.headers("desk")
    ).get_json()
    hold_id = (hold_id["items"] if isinstance(hold_id, dict) else hold_id)[0]["id"]

    part = post_form(
        client,
        page,
        f"{page}/holds/{hold_id}/release",
        amount="1000.00",
        document_reference="（2026）京0105执异7号之一",
    )
    assert part.status_code == 302
    assert "仍冻结 2,000.00 元" in text(client.get(page))
    assert balance(client, court, funded["id"])["held"] == "2000.00"

    whole = post_form(client, page, f"{page}/holds/{hold_id}/release", amount="")
    assert whole.status_code == 302
    assert "共解除 3,000.00 元" in text(client.get(page))
    assert balance(client, court, funded["id"])["available"] == "10000.00"
    assert f'data-testid="release-form-{hold_id}"' not in text(client.get(page))


def test_a_refused_hold_is_said_in_chinese_at_its_form_with_the_input_kept(client, staff, funded):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{funded['id']}"
    refused = post_form(client, page, f"{page}/holds", **{**HOLD, "reason": " "})
    body = text(refused)
    assert refused.status_code == 422
    assert 'data-testid="refusal-hold"' in body and "请填写冻结事由" in body
    assert 'value="（2026）京0105执异7号"' in body and 'value="3000.00"' in body
    assert "a hold needs" not in body

    wrong = post_form(client, page, f"{page}/holds", **{**HOLD, "amount": "3千"})
    assert wrong.status_code == 422 and "金额有误" in text(wrong)
    post_form(client, page, f"{page}/holds", **HOLD)
    hold_id = text(client.get(page)).split('data-testid="release-form-')[1].split('"')[0]
    too_much = post_form(client, page, f"{page}/holds/{hold_id}/release", amount="5000.00")
    assert too_much.status_code == 422
    assert "解除金额超过仍冻结的 3,000.00 元" in text(too_much)
    assert 'value="5000.00"' in text(too_much)


def test_only_the_roles_that_may_see_the_forms(client, app, staff, funded):
    staff("finance", "财务")
    sign_in(client, "财务")
    page = f"/cases/{funded['id']}"
    body = text(client.get(page))
    assert 'data-testid="hold-form"' not in body and 'data-testid="payment-form"' not in body
    assert post_form(client, page, f"{page}/holds", **HOLD).status_code == 403
    assert (
        post_form(
            client, page, f"{page}/payments", amount="1.00", payee_account_number=PAYEE
        ).status_code
        == 403
    )


def test_a_payment_is_requested_only_to_a_named_account_within_available(
    client, court, staff, funded
):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{funded['id']}"
    body = text(client.get(page))
    assert f'<option value="{PAYEE}"' in body and 'data-testid="request-available"' in body
    assert body.count('<option value="1') == 1  # the one payee account, nothing else offered

    over = post_form(
        client, page, f"{page}/payments", amount="12000.00", payee_account_number=PAYEE
    )
    assert over.status_code == 422
    assert "可发放余额不足：当前可发放 10,000.00 元，本次申请 12,000.00 元" in text(over)
    assert 'value="12000.00"' in text(over) and f'value="{PAYEE}" selected' in text(over)

    stranger = post_form(
        client, page, f"{page}/payments", amount="100.00", payee_account_number="6222000011112222"
    )
    assert stranger.status_code == 422 and "未经本案法律文书载明" in text(stranger)

    made = post_form(
        client,
        page,
        f"{page}/payments",
        amount="4000.00",
        payee_account_number=PAYEE,
        note="第一笔",
    )
    assert made.status_code == 302
    assert "4,000.00 元，收款账户 " + PAYEE in text(client.get(page))
    assert balance(client, court, funded["id"])["pending"] == "4000.00"


def test_finance_marks_an_approved_payment_paid_on_the_case_page(
    client, court, staff, flow, funded
):
    approved = court_flow.approved(client, flow, funded["id"], "2500.00")
    page = f"/cases/{funded['id']}"
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    assert f'data-testid="paid-form-{approved["id"]}"' not in text(client.get(page))
    client.post("/logout", data={"csrf_token": ""})

    other = client.application.test_client()
    staff("finance", "财务")
    sign_in(other, "财务")
    body = text(other.get(page))
    assert f'data-testid="paid-form-{approved["id"]}"' in body and "付款 2,500.00 元" in body
    action = f"{page}/payments/{approved['id']}/paid"
    missing = post_form(other, page, action, bank_reference=" ", paid_on="2026-03-02")
    assert missing.status_code == 422 and "请填写银行流水号" in text(missing)
    assert 'value="2026-03-02"' in text(missing)
    paid = post_form(other, page, action, bank_reference="BOC20260302001", paid_on="2026-03-02")
    assert paid.status_code == 302
    shown = other.get(
        f"/api/v1/disbursements/{approved['id']}", headers=court.headers("desk")
    ).get_json()
    assert (shown["status"], shown["bank_reference"], shown["paid_on"]) == (
        "marked_paid",
        "BOC20260302001",
        "2026-03-02",
    )
    again = post_form(other, page, action, bank_reference="X", paid_on="2026-03-02")
    assert again.status_code == 302
    assert "当前状态不允许此操作，请刷新页面后重试" in text(other.get(page))


def test_a_deferral_is_requested_on_the_case_page_and_decided_in_the_approvals_queue(
    client, app, staff, funded
):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{funded['id']}"
    blank = post_form(
        client,
        page,
        f"{page}/deferrals",
        kind="escrow",
        ground=" ",
        document_reference="（2026）京0105执7号之二",
    )
    assert blank.status_code == 422 and "请填写延缓发放或提存的法律依据" in text(blank)
    assert 'value="escrow" selected' in text(blank) and "（2026）京0105执7号之二" in text(blank)
    past = post_form(
        client,
        page,
        f"{page}/deferrals",
        kind="deferral",
        ground="申请人下落不明",
        document_reference="X",
        until="2020-01-01",
    )
    assert past.status_code == 422 and "不能早于今天" in text(past)
    made = post_form(
        client,
        page,
        f"{page}/deferrals",
        kind="escrow",
        ground="申请人下落不明",
        document_reference="（2026）京0105执7号之二",
        review_on="2099-12-31",
    )
    assert made.status_code == 302
    body = text(client.get(page))
    assert "已提交提存申请" in body and "待审批" in body

    approver = app.test_client()
    staff("approver", "审批人")
    sign_in(approver, "审批人")
    queue = text(approver.get("/approvals"))
    assert 'data-testid="approval-deferral"' in queue and "申请人下落不明" in queue
    deferral_id = queue.split('id="deferral-')[1].split('"')[0]
    decided = post_form(
        approver, "/approvals", f"/approvals/deferrals/{deferral_id}/approve", note="同意"
    )
    assert decided.status_code == 302
    assert f"延缓发放/提存申请 #{deferral_id}：已批准" in text(approver.get("/approvals"))
    assert 'data-testid="approval-deferral"' not in text(approver.get("/approvals"))
    assert "已批准" in text(client.get(page)).split('id="deferrals"')[1]


def test_a_payee_change_asked_through_the_api_waits_in_the_approvals_queue(
    client, app, court, staff, funded
):
    asked = client.post(
        f"/api/v1/cases/{funded['id']}/payee-accounts",
        json={
            "applicant_name": "北京华信商贸有限公司",
            "account_number": "110060149018800099999",
            "document_reference": "（2026）京0105执7号之三",
        },
        headers=court.headers("enforcement"),
    )
    assert asked.status_code == 201, asked.get_json()
    staff("approver", "审批人")
    sign_in(client, "审批人")
    queue = text(client.get("/approvals"))
    assert 'data-testid="approval-payee_change"' in queue and "110060149018800099999" in queue
    change_id = asked.get_json()["id"]
    rejected = post_form(
        client, "/approvals", f"/approvals/payee-changes/{change_id}/reject", note="文书不符"
    )
    assert rejected.status_code == 302
    assert f"收款账户变更申请 #{change_id}：已驳回" in text(client.get("/approvals"))
    shown = client.get(f"/api/v1/payee-account-changes/{change_id}", headers=court.headers("desk"))
    assert shown.get_json()["status"] == "rejected"


def test_the_refusals_and_forms_are_in_english_when_it_is_chosen(client, staff, funded):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{funded['id']}"
    post_form(client, page, "/language", language="en", next=page)
    assert "Request a payment" in text(client.get(page))
    over = post_form(
        client, page, f"{page}/payments", amount="12000.00", payee_account_number=PAYEE
    )
    assert "Not enough available money: 10,000.00 yuan available, 12,000.00 yuan asked." in text(
        over
    )
    refused = post_form(client, page, f"{page}/holds", **{**HOLD, "reason": ""})
    assert "Give the reason of the hold" in text(refused) and "冻结事由" not in text(refused)
