"""The case page's actions that were API-only (#19), through the staff pages: resubmit a
returned payment, end a deferral, register an expected receipt, take a whole credit off
the case, ask for a payee-account change; and at the orphan queue, a refusal at its card
with the input kept, and a rejected refund with its reason on finance's side."""

from __future__ import annotations

from tests.integration import court_flow
from tests.integration.court_flow import PAYEE
from tests.integration.money import credit_case
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_case_page_actions import flow  # noqa: F401

__all__ = ["staff"]
settings = court_flow.settings


def text(response) -> str:
    return response.get_data(as_text=True)


def test_enforcement_resubmits_a_payment_finance_returned(
    client,
    staff,
    register_case,
    engine,
    flow,  # noqa: F811
):
    case = register_case()
    credit_case(engine, case["id"], 10_000_00)
    made = court_flow.request(client, case["id"], "3000.00", flow.judge).get_json()
    court_flow.approve(client, made["id"], flow.director)
    returned = court_flow.review(client, made["id"], flow.finance, "return", "收款人户名有误")
    assert returned.get_json()["status"] == "returned"
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{case['id']}"
    shown = text(client.get(page))
    assert "财务退回：收款人户名有误" in shown
    assert f"确认重新提交：向账户 {PAYEE} 发放 3,000.00 元？" in shown
    answer = post_form(client, page, f"/cases/{case['id']}/payments/{made['id']}/resubmit")
    # only the requester resubmits: another judge is refused at the row, not with a 5xx
    assert answer.status_code == 403
    assert "resubmit-form" in text(answer)


def test_the_requester_resubmits_and_the_form_is_gone_after(
    client,
    uow,
    admin,
    court,
    register_case,
    engine,
    flow,  # noqa: F811
):
    from reconcile.services import users
    from tests.integration.staff_pages import PASSWORD

    case = register_case()
    credit_case(engine, case["id"], 10_000_00)
    made = court_flow.request(client, case["id"], "3000.00", flow.judge).get_json()
    court_flow.approve(client, made["id"], flow.director)
    court_flow.review(client, made["id"], flow.finance, "return", "户名有误")
    users.create_user(
        uow(), admin, username="chenming", password=PASSWORD, role="enforcement",
        courts=[court.code], person="执行法官 陈明",
    )  # fmt: skip
    sign_in(client, "chenming")
    page = f"/cases/{case['id']}"
    answer = post_form(client, page, f"/cases/{case['id']}/payments/{made['id']}/resubmit")
    assert answer.status_code == 302, text(answer)
    shown = text(client.get(page))
    assert "已重新提交支付通知" in shown and f"resubmit-form-{made['id']}" not in shown


def test_enforcement_ends_an_approved_deferral(
    client,
    staff,
    register_case,
    engine,
    flow,  # noqa: F811
):
    case = register_case()
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{case['id']}"
    post_form(
        client, page, f"/cases/{case['id']}/deferrals",
        kind="deferral", ground="申请执行人下落不明", document_reference="（2026）京0105执1号",
        review_on="2099-12-31",
    )  # fmt: skip
    deferral = client.get(f"/api/v1/cases/{case['id']}/deferrals", headers=flow.judge).get_json()[
        "items"
    ][0]
    approved = client.post(
        f"/api/v1/deferrals/{deferral['id']}/approve", json={}, headers=flow.director
    )
    assert approved.get_json()["status"] == "approved", approved.get_json()
    assert f"end-deferral-{deferral['id']}" in text(client.get(page))
    answer = post_form(client, page, f"/cases/{case['id']}/deferrals/{deferral['id']}/end")
    assert answer.status_code == 302
    shown = text(client.get(page))
    assert f"延缓/提存 #{deferral['id']} 已结束" in shown
    assert f"end-deferral-{deferral['id']}" not in shown


def test_enforcement_registers_an_expected_receipt_and_a_refusal_keeps_the_input(
    client, staff, register_case
):
    case = register_case()
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{case['id']}"
    refused = post_form(
        client, page, f"/cases/{case['id']}/expected-receipts",
        source="auction", amount="250000.00", expected_by="2026-12-30", reference="",
    )  # fmt: skip
    assert refused.status_code == 422
    shown = text(refused)
    assert "请填写来款将带有的凭证号，或将付款的账号。" in shown and 'value="250000.00"' in shown
    answer = post_form(
        client, page, f"/cases/{case['id']}/expected-receipts",
        source="auction", amount="250000.00", expected_by="2026-12-30", reference="PM-2026-88",
    )  # fmt: skip
    assert answer.status_code == 302
    shown = text(client.get(page))
    assert "已登记待到账款 250,000.00 元（司法拍卖款）" in shown and "PM-2026-88" in shown


def test_finance_takes_a_whole_credit_off_the_case_from_its_page(
    client, court, staff, register_case
):
    case = register_case()
    data = csv_statement(
        [Row("2026-11-16", "700.00", "李四", "6217000011112222333", "", case["sub_account_number"])]
    )
    assert upload(client, court, data).get_json()["credits_matched"] == 1
    staff("finance", "王会计")
    sign_in(client, "王会计")
    page = f"/cases/{case['id']}"
    shown = text(client.get(page))
    [line] = client.get(
        "/api/v1/transactions",
        query_string={"case_id": case["id"]},
        headers=court.headers("finance"),
    ).get_json()["items"]
    assert (
        f"确认将流水 #{line['id']}（付款账户 6217000011112222333）的 700.00 元从本案撤回" in shown
    )
    refused = post_form(
        client, page, f"/cases/{case['id']}/credits/{line['id']}/unassign", reason=" "
    )
    assert refused.status_code == 422 and "请填写撤回理由。" in text(refused)
    answer = post_form(
        client, page, f"/cases/{case['id']}/credits/{line['id']}/unassign", reason="子账号录错"
    )
    assert answer.status_code == 302
    assert "已将 700.00 元撤回" in text(client.get(page))
    again = client.get(f"/api/v1/transactions/{line['id']}", headers=court.headers("finance"))
    assert again.get_json()["status"] == "orphan"


def test_enforcement_asks_for_a_payee_account_change_the_approver_then_sees(
    client, staff, register_case, app
):
    case = register_case()
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = f"/cases/{case['id']}"
    applicant = case["applicants"][0]["name"]
    refused = post_form(
        client, page, f"/cases/{case['id']}/payee-accounts",
        applicant_name=applicant, account_number="6217000099998888777", document_reference=" ",
    )  # fmt: skip
    assert refused.status_code == 422
    assert "请填写载明该账户的法律文书文号。" in text(refused)
    assert 'value="6217000099998888777"' in text(refused)
    answer = post_form(
        client, page, f"/cases/{case['id']}/payee-accounts",
        applicant_name=applicant, account_number="6217000099998888777",
        document_reference="（2026）京0105执1234号之一",
    )  # fmt: skip
    assert answer.status_code == 302
    assert "已申请变更收款账户" in text(client.get(page))
    staff("approver", "审批人")
    approver = app.test_client()
    sign_in(approver, "审批人")
    assert "6217000099998888777" in text(approver.get("/approvals"))


def test_a_wrong_case_number_is_refused_at_the_orphans_card_with_its_input_kept(
    client, court, staff
):
    data = csv_statement([Row("2026-11-16", "880.00", "王芳", "6217000011112222333", "货款")])
    upload(client, court, data)
    staff("finance", "王会计")
    sign_in(client, "王会计")
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    answer = post_form(
        client, "/orphans", f"/orphans/{orphan['id']}/assign",
        case_ref="（2026）京0105执9999号", reason="付款人来电",
    )  # fmt: skip
    assert answer.status_code == 302 and answer.location.endswith(f"#orphan-{orphan['id']}")
    shown = text(client.get("/orphans"))
    card = shown[shown.index(f'id="orphan-{orphan["id"]}"') :]
    assert "没有案号或子账号为“（2026）京0105执9999号”的案件" in card
    assert 'value="（2026）京0105执9999号"' in card and 'value="付款人来电"' in card
    assert "in your courts" not in shown
    assert "没有案号" not in text(client.get("/orphans"))  # shown once


def test_a_rejected_refund_shows_on_finance_side_with_its_reason(
    client,
    court,
    staff,
    flow,  # noqa: F811
):
    data = csv_statement([Row("2026-11-16", "66.00", "某人", "6217000011112222333", "货款")])
    upload(client, court, data)
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    refund = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    ).get_json()
    client.post(
        f"/api/v1/disbursements/{refund['refund_disbursement_id']}/reject",
        json={"note": "付款人身份未核实"},
        headers=flow.director,
    )
    staff("finance", "王会计")
    sign_in(client, "王会计")
    shown = text(client.get("/orphans"))
    assert (
        f"退款申请 #{refund['refund_disbursement_id']}（66.00 元，至 6217000011112222333）" in shown
    )
    assert "驳回：付款人身份未核实" in shown


def test_finance_pays_an_approved_refund_from_the_orphan_queue(
    client,
    court,
    staff,
    flow,  # noqa: F811
):
    data = csv_statement([Row("2026-11-16", "66.00", "某人", "6217000011112222333", "货款")])
    upload(client, court, data)
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    refund = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    ).get_json()["refund_disbursement_id"]
    staff("finance", "王会计")
    sign_in(client, "王会计")
    shown = text(client.get("/orphans"))
    assert f'data-testid="refund-{refund}"' in shown and "待审批" in shown
    assert f"/payments/{refund}/refund-form" in shown
    assert f"refund-paid-form-{refund}" not in shown  # not approved yet
    approved = client.post(
        f"/api/v1/disbursements/{refund}/approve", json={}, headers=flow.director
    )
    assert approved.get_json()["status"] == "approved", approved.get_json()
    shown = text(client.get("/orphans"))
    assert "确认已将 66.00 元退回账户 6217000011112222333？" in shown
    refused = post_form(client, "/orphans", f"/orphans/refunds/{refund}/paid", bank_reference=" ")
    assert refused.status_code == 302
    assert "请填写银行流水号。" in text(client.get("/orphans"))
    answer = post_form(
        client, "/orphans", f"/orphans/refunds/{refund}/paid", bank_reference="BOC-R-1"
    )
    assert answer.status_code == 302
    paid = client.get(f"/api/v1/disbursements/{refund}", headers=flow.finance).get_json()
    assert (paid["status"], paid["bank_reference"]) == ("marked_paid", "BOC-R-1")
