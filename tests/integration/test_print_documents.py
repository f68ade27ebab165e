"""The documents a court files (#19): 支付案款通知 (page and PDF), 退款审批表, the case's
分户账 and the execution notice's account block (page and PDF), each with the court, the
case number, the amount in figures and capitals, the approvals, print time and signatures."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from reconcile.services import users
from tests.integration import court_flow
from tests.integration.court_flow import PAYEE
from tests.integration.money import credit_case
from tests.integration.staff_pages import PASSWORD, post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_case_page_actions import flow  # noqa: F401

__all__ = ["staff"]
settings = court_flow.settings
COURT_NAME = "北京市朝阳区人民法院"


def text(response) -> str:
    return response.get_data(as_text=True)


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    return "".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def paid_notice(client, register_case, engine, flow):  # noqa: F811
    case = register_case()
    credit_case(engine, case["id"], 20_000_00)
    made = court_flow.approved(client, flow, case["id"], "12345.60")
    return case, made


def test_the_payment_notice_names_the_court_case_amount_in_capitals_and_approvals(
    client, staff, paid_notice
):
    case, made = paid_notice
    staff("finance", "王会计")
    sign_in(client, "王会计")
    page = text(client.get(f"/payments/{made['id']}/notice"))
    assert "支付案款通知" in page and COURT_NAME in page
    assert case["case_number"] in page and PAYEE in page
    assert "￥12,345.60" in page and "壹万贰仟叁佰肆拾伍元陆角整" in page
    assert "执行局长 周强（执行局长）" in page and "财务 王静" in page  # levels, then review
    assert "承办人（签字）" in page and "财务签收（签字）" in page
    assert "打印时间" in page and 'class="print-toolbar"' in page
    assert 'class="topbar"' not in page  # a document, not a page with the navigation


def test_the_payment_notice_as_pdf_carries_the_case_number_and_the_amount_in_capitals(
    client, staff, paid_notice
):
    case, made = paid_notice
    staff("finance", "王会计")
    sign_in(client, "王会计")
    found = pdf_text(client.get(f"/payments/{made['id']}/notice?format=pdf"))
    compact = "".join(found.split())
    assert "".join(case["case_number"].split()) in compact
    assert "壹万贰仟叁佰肆拾伍元陆角整" in compact
    assert "支付案款通知" in compact and COURT_NAME in compact and made["reference"] in compact


def test_the_notice_account_block_prints_and_downloads_as_pdf(client, staff, register_case):
    case = register_case()
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    page = text(client.get(f"/cases/{case['id']}/notice-account"))
    assert case["sub_account_number"] in page and "12368" in page and COURT_NAME in page
    assert "被执行人有权拒绝" in page and "（院印）" in page
    compact = "".join(
        pdf_text(client.get(f"/cases/{case['id']}/notice-account?format=pdf")).split()
    )
    assert case["sub_account_number"] in compact and "".join(case["case_number"].split()) in compact


def test_the_account_statement_lists_every_entry_with_running_balance_and_totals(
    client, staff, register_case, engine, monkeypatch
):
    from api.web import print_documents

    monkeypatch.setattr(print_documents, "LEDGER_BATCH", 2)  # several reads, one statement
    case = register_case()
    for fen in (100_00, 200_00, 300_00, 400_00, 500_00):
        credit_case(engine, case["id"], fen)
    staff("desk", "接线员")
    sign_in(client, "接线员")
    page = text(client.get(f"/cases/{case['id']}/account-statement"))
    assert page.count('data-testid="statement-entry"') == 5
    assert "1,500.00" in page and "共 5 笔" in page
    assert 'data-testid="statement-total-received">1,500.00' in page
    assert "制表人（签字）" in page and COURT_NAME in page


def test_the_refund_form_shows_the_orphan_the_payer_account_and_the_approvals(client, court, staff):
    data = csv_statement([Row("2026-11-16", "880.50", "王芳", "6222020200112233445", "货款", "")])
    assert upload(client, court, data).status_code == 201
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][0]
    refund = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    ).get_json()
    staff("finance", "王会计")
    sign_in(client, "王会计")
    page = text(client.get(f"/payments/{refund['refund_disbursement_id']}/refund-form"))
    assert "退款审批表" in page and "6222020200112233445" in page and "王芳" in page
    assert "捌佰捌拾元伍角整" in page and "付款人误汇" in page and "待审批" in page
    # a payment is not a refund, and a refund has no payment notice
    assert client.get(f"/payments/{refund['refund_disbursement_id']}/notice").status_code == 404


def test_print_views_of_another_court_are_not_found(client, uow, admin, other_court, paid_notice):
    case, made = paid_notice
    users.create_user(
        uow(), admin, username="外院财务", password=PASSWORD, role="finance",
        courts=[other_court.code],
    )  # fmt: skip
    sign_in(client, "外院财务")
    assert client.get(f"/payments/{made['id']}/notice").status_code == 404
    assert client.get(f"/payments/{made['id']}/notice?format=pdf").status_code == 404
    assert client.get(f"/cases/{case['id']}/account-statement").status_code == 404
    assert client.get(f"/cases/{case['id']}/notice-account").status_code == 404


def test_the_approval_form_keeps_its_levels_in_the_shared_print_layout(client, staff, paid_notice):
    _, made = paid_notice
    staff("approver", "审批人")
    sign_in(client, "审批人")
    page = text(client.get(f"/payments/{made['id']}/approval-form"))
    assert page.count('data-testid="form-level"') == 1 and 'data-testid="form-review"' in page
    assert "壹万贰仟叁佰肆拾伍元陆角整" in page and COURT_NAME in page and "审批人（签字）" in page


def test_the_documents_speak_english_when_asked(client, staff, paid_notice):
    _, made = paid_notice
    staff("finance", "王会计")
    sign_in(client, "王会计")
    post_form(client, "/", "/language", language="en", next="/")
    page = text(client.get(f"/payments/{made['id']}/notice"))
    assert "Payment notice" in page and "Amount (in words)" in page and "Printed" in page
