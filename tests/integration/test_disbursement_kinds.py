"""The kinds of disbursement through the API, each only to its lawful destination (art. 20):
`fee` to the court's registered fee account, `respondent_refund` to a respondent's known
account with its document (and only once the applicants are paid, unless the document says
otherwise), `escrow` (提存) to a registered escrow account with an approved escrow deferral,
`court_transfer` to another registered court's collection account with its document. Any
other account is `payee_not_named` with an alert; the statement debit of each settles it
with no alert, and an unrequested debit to the fee account is a warning, not critical."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reconcile.clock import local_today
from reconcile.settings import load_settings
from tests.conftest import COUNTED_LEVELS
from tests.integration import payments
from tests.integration.conftest import OTHER_COLLECTION_ACCOUNT
from tests.integration.payments import PAYEE, balance
from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

funded_case = payments.funded_case
people = payments.people
__all__ = ["staff"]

FEE_ACCOUNT = "0200009999"  #: the court's registered account (tests/integration/conftest.py)
ESCROW_ACCOUNT = "110060149018800077777"  #: a notary office's 提存专户
RESPONDENT = "6222020200112233445"  #: 张伟's, in conftest's case_body


@pytest.fixture
def settings(database_url) -> dict:
    overrides = {
        "database": {"url": database_url},
        "approvals": {**COUNTED_LEVELS, "finance_review": False},
        "disbursements": {"escrow_accounts": {"京0105": [ESCROW_ACCOUNT]}},
    }
    return load_settings(environ={}, overrides=overrides)


def request(client, court, case_id, kind, amount, account, **extra):
    return client.post(
        f"/api/v1/cases/{case_id}/disbursements",
        json={"kind": kind, "amount": amount, "payee_account_number": account, **extra},
        headers=court.headers("enforcement"),
    )


def approve(client, court, disbursement_id):
    response = client.post(
        f"/api/v1/disbursements/{disbursement_id}/approve",
        json={},
        headers=court.headers("approver"),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def alerts(client, court, kind=None) -> list[dict]:
    query = {"kind": kind} if kind else {}
    return client.get(
        "/api/v1/alerts", query_string=query, headers=court.headers("desk")
    ).get_json()["items"]


def debit(client, court, amount: str, account: str, name: str = "收款人", ref: str = "D1"):
    day = local_today().isoformat()
    data = csv_statement([Row(day, f"-{amount}", name, account, "案款", "", ref)], opening=amount)
    return upload(client, court, data).get_json()


def refused_as_unnamed(client, court, response) -> None:
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == "payee_not_named"
    assert [a["severity"] for a in alerts(client, court, "unnamed_payee_attempt")] == ["critical"]


# ---- fee ----


def test_a_fee_goes_to_the_courts_fee_account_and_its_debit_settles_it_without_alert(
    client, court, funded_case
):
    case = funded_case(100_000_00)
    made = request(client, court, case["id"], "fee", "1000.00", FEE_ACCOUNT)
    assert made.status_code == 201, made.get_json()
    fee = made.get_json()
    assert (fee["kind"], fee["status"], fee["party_id"]) == ("fee", "requested", None)
    approve(client, court, fee["id"])
    report = debit(client, court, "1000.00", FEE_ACCOUNT, "北京市朝阳区人民法院")
    assert (report["debits_reconciled"], report["debits_flagged"]) == (1, 0)
    assert alerts(client, court) == []
    shown = balance(client, court, case["id"])
    assert (shown["paid"], shown["fees_paid"], shown["available"]) == (
        "1000.00",
        "1000.00",
        "99000.00",
    )
    # a fee is no applicant's payment: the applicant is still owed all of the case's amount
    case_view = client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("desk")).get_json()
    assert case_view["applicants"][0]["paid"] == "0.00"


def test_a_fee_to_any_other_account_is_payee_not_named_with_an_alert(client, court, funded_case):
    case = funded_case(10_000_00)
    refused_as_unnamed(client, court, request(client, court, case["id"], "fee", "50.00", PAYEE))
    assert balance(client, court, case["id"])["pending"] == "0.00"


def test_an_unrequested_debit_to_the_fee_account_is_a_warning_not_critical(
    client, court, funded_case
):
    funded_case(10_000_00)
    report = debit(client, court, "50.00", FEE_ACCOUNT, "北京市朝阳区人民法院")
    assert report["debits_flagged"] == 1
    [alert] = alerts(client, court)
    assert (alert["kind"], alert["severity"]) == ("unrequested_fee_debit", "warning")


# ---- refund to the respondent ----


def test_a_refund_to_the_respondent_waits_for_the_applicants_entitlement(
    client, court, funded_case
):
    case = funded_case(60_000_00, amount_due="50000.00")
    doc = {"document_reference": "（2026）京0105执1号之一"}
    waiting = request(client, court, case["id"], "respondent_refund", "10000.00", RESPONDENT, **doc)
    assert waiting.status_code == 422
    assert waiting.get_json()["code"] == "entitlements_unpaid"
    assert waiting.get_json()["applicants"] == ["北京华信商贸有限公司"]
    assert request(client, court, case["id"], "payment", "50000.00", PAYEE).status_code == 201
    made = request(client, court, case["id"], "respondent_refund", "10000.00", RESPONDENT, **doc)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["document_reference"] == "（2026）京0105执1号之一"
    approve(client, court, made.get_json()["id"])
    report = debit(client, court, "10000.00", RESPONDENT, "张伟")
    assert (report["debits_reconciled"], report["debits_flagged"]) == (1, 0)
    assert alerts(client, court) == []


def test_a_refund_the_document_orders_goes_although_the_applicant_is_owed(
    client, court, funded_case
):
    case = funded_case(60_000_00)
    made = request(
        client,
        court,
        case["id"],
        "respondent_refund",
        "10000.00",
        RESPONDENT,
        document_reference="（2026）京0105执1号之二",
        document_overrides_entitlements=True,
    )
    assert made.status_code == 201, made.get_json()


def test_a_refund_to_the_respondent_needs_its_document_and_the_respondents_own_account(
    client, court, funded_case
):
    case = funded_case(60_000_00)
    bare = request(client, court, case["id"], "respondent_refund", "10.00", RESPONDENT)
    assert bare.status_code == 422
    assert bare.get_json()["code"] == "validation_error"
    assert "document_reference" in bare.get_json()["errors"]
    other = request(
        client,
        court,
        case["id"],
        "respondent_refund",
        "10.00",
        "6222020200199999999",
        document_reference="（2026）京0105执1号之一",
        document_overrides_entitlements=True,
    )
    refused_as_unnamed(client, court, other)


def test_a_payment_to_the_respondents_account_is_payee_not_named(client, court, funded_case):
    case = funded_case(10_000_00)
    refused_as_unnamed(
        client, court, request(client, court, case["id"], "payment", "10.00", RESPONDENT)
    )


# ---- escrow ----


def escrow_deferral(client, court, case_id) -> dict:
    until = (local_today() + timedelta(days=60)).isoformat()
    made = client.post(
        f"/api/v1/cases/{case_id}/deferrals",
        json={
            "kind": "escrow",
            "ground": "申请执行人下落不明（民法典第570条）",
            "document_reference": "（2026）京0105执1号之三",
            "until": until,
        },
        headers=court.headers("enforcement"),
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_escrow_goes_to_a_registered_escrow_account_only_with_an_approved_escrow(
    client, court, funded_case
):
    case = funded_case(30_000_00)
    early = request(client, court, case["id"], "escrow", "30000.00", ESCROW_ACCOUNT)
    assert early.status_code == 422
    assert early.get_json()["code"] == "escrow_not_approved"
    deferral = escrow_deferral(client, court, case["id"])
    assert request(client, court, case["id"], "escrow", "1.00", ESCROW_ACCOUNT).status_code == 422
    decided = client.post(
        f"/api/v1/deferrals/{deferral['id']}/approve", json={}, headers=court.headers("approver")
    )
    assert decided.get_json()["status"] == "approved"
    made = request(client, court, case["id"], "escrow", "30000.00", ESCROW_ACCOUNT)
    assert made.status_code == 201, made.get_json()
    approve(client, court, made.get_json()["id"])
    report = debit(client, court, "30000.00", ESCROW_ACCOUNT, "北京市方圆公证处")
    assert (report["debits_reconciled"], report["debits_flagged"]) == (1, 0)
    assert balance(client, court, case["id"])["paid"] == "30000.00"  # the money left the case


def test_escrow_to_an_unregistered_account_is_payee_not_named(client, court, funded_case):
    case = funded_case(30_000_00)
    deferral = escrow_deferral(client, court, case["id"])
    client.post(
        f"/api/v1/deferrals/{deferral['id']}/approve", json={}, headers=court.headers("approver")
    )
    refused_as_unnamed(
        client,
        court,
        request(client, court, case["id"], "escrow", "10.00", "110060149018800066666"),
    )


# ---- transfer to another court ----


def test_a_transfer_goes_to_another_registered_courts_collection_account_with_a_document(
    client, court, other_court, funded_case
):
    case = funded_case(30_000_00)
    doc = {"document_reference": "（2026）沪0115执恢5号 参与分配"}
    bare = request(client, court, case["id"], "court_transfer", "5000.00", OTHER_COLLECTION_ACCOUNT)
    assert bare.status_code == 422 and "document_reference" in bare.get_json()["errors"]
    made = request(
        client, court, case["id"], "court_transfer", "5000.00", OTHER_COLLECTION_ACCOUNT, **doc
    )
    assert made.status_code == 201, made.get_json()
    approve(client, court, made.get_json()["id"])
    report = debit(client, court, "5000.00", OTHER_COLLECTION_ACCOUNT, "上海市浦东新区人民法院")
    assert (report["debits_reconciled"], report["debits_flagged"]) == (1, 0)
    assert alerts(client, court) == []


def test_a_transfer_to_the_courts_own_collection_account_is_payee_not_named(
    client, court, other_court, funded_case
):
    case = funded_case(30_000_00)
    own = request(
        client,
        court,
        case["id"],
        "court_transfer",
        "5000.00",
        court.account,
        document_reference="（2026）京0105执1号之四",
    )
    refused_as_unnamed(client, court, own)


# ---- the request itself ----


@pytest.mark.parametrize("kind", ["refund", "bribe", ""])
def test_a_kind_that_is_not_a_cases_is_refused(client, court, funded_case, kind):
    case = funded_case(10_000_00)
    response = request(client, court, case["id"], kind, "10.00", PAYEE)
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_error"
    assert alerts(client, court) == []


def test_a_disbursement_without_a_kind_is_a_payment(client, court, funded_case):
    case = funded_case(10_000_00)
    made = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "10.00", "payee_account_number": PAYEE},
        headers=court.headers("enforcement"),
    )
    assert made.status_code == 201 and made.get_json()["kind"] == "payment"


# ---- a case finished end to end ----


def test_a_case_is_finished_fee_applicants_surplus_and_closed_with_nothing_left(
    client, court, register_case, engine
):
    from reconcile.db import audit_log
    from tests.integration.test_entitlements import ACCOUNT_A, ACCOUNT_B, applicants

    case = register_case(applicants=applicants(), amount_due="60000.00")
    day = local_today().isoformat()
    sub = case["sub_account_number"]
    credit = Row(day, "70000.00", "张伟", RESPONDENT, "执行款", sub, "C1")
    assert upload(client, court, csv_statement([credit])).get_json()["credits_matched"] == 1
    fee = request(client, court, case["id"], "fee", "350.00", FEE_ACCOUNT).get_json()
    a = request(client, court, case["id"], "payment", "40000.00", ACCOUNT_A).get_json()
    b = request(client, court, case["id"], "payment", "20000.00", ACCOUNT_B).get_json()
    surplus = request(
        client,
        court,
        case["id"],
        "respondent_refund",
        "9650.00",
        RESPONDENT,
        document_reference="（2026）京0105执1号之五 退还余款",
    )
    assert surplus.status_code == 201, surplus.get_json()  # both applicants paid in full
    surplus = surplus.get_json()
    for made in (fee, a, b, surplus):
        approve(client, court, made["id"])
    rows = [
        Row(day, "-350.00", "北京市朝阳区人民法院", FEE_ACCOUNT, "执行费", "", "D1"),
        Row(day, "-40000.00", "北京华信商贸有限公司", ACCOUNT_A, "案款", "", "D2"),
        Row(day, "-20000.00", "李明", ACCOUNT_B, "案款", "", "D3"),
        Row(day, "-9650.00", "张伟", RESPONDENT, "退还余款", "", "D4"),
    ]
    report = upload(client, court, csv_statement(rows, opening="70000.00")).get_json()
    assert (report["debits_reconciled"], report["debits_flagged"]) == (4, 0)
    closed = client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    assert closed.status_code == 200, closed.get_json()
    shown = closed.get_json()
    assert shown["balance"] == {
        "received": "70000.00",
        "held": "0.00",
        "pending": "0.00",
        "approved_unpaid": "0.00",
        "paid": "70000.00",
        "available": "0.00",
        "fees_paid": "350.00",
    }
    assert [(x["paid"], x["due"]) for x in shown["applicants"]] == [
        ("40000.00", "0.00"),
        ("20000.00", "0.00"),
    ]
    assert [x for x in alerts(client, court) if x["severity"] == "critical"] == []
    with engine.connect() as conn:
        for made in (fee, a, b, surplus):
            actions = [
                r["action"] for r in audit_log.records_for(conn, "disbursement", str(made["id"]))
            ]
            assert actions[0] == "disbursement.requested" and "disbursement.confirmed" in actions
        closing = [r["action"] for r in audit_log.records_for(conn, "case", str(case["id"]))]
        assert "case.closed" in closing


def test_the_approver_sees_a_fee_by_its_kind_with_its_destination_checked(
    app, client, court, funded_case, staff
):
    case = funded_case(10_000_00)
    fee = request(client, court, case["id"], "fee", "50.00", FEE_ACCOUNT).get_json()
    staff("approver", "审批人")
    browser = app.test_client()
    assert sign_in(browser, "审批人").status_code == 302
    page = browser.get("/approvals").get_data(as_text=True)
    card = page[page.index(f'id="approval-{fee["id"]}"') :]
    assert f"执行费 #{fee['id']}" in card
    assert 'data-testid="payee-named"' in card.split("</article>")[0]


def test_finance_reviews_every_kind_a_case_pays_out_when_the_court_reviews_payments(
    client, court, funded_case, settings
):
    settings["approvals"]["finance_review"] = True  # the app reads the same settings
    case = funded_case(10_000_00)
    fee = request(client, court, case["id"], "fee", "50.00", FEE_ACCOUNT).get_json()
    assert fee["review_required"] is True
    assert approve(client, court, fee["id"])["status"] == "in_review"


def test_the_case_page_and_the_printed_notice_show_a_refund_to_the_respondent(
    app, client, court, funded_case, staff
):
    case = funded_case(60_000_00)
    made = request(
        client,
        court,
        case["id"],
        "respondent_refund",
        "100.00",
        RESPONDENT,
        document_reference="（2026）京0105执1号之六",
        document_overrides_entitlements=True,
    ).get_json()
    staff("enforcement", "执行法官")
    browser = app.test_client()
    assert sign_in(browser, "执行法官").status_code == 302
    page = browser.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="kinds-form"' in page and "退还被执行人" in page
    notice = browser.get(f"/payments/{made['id']}/notice")
    assert notice.status_code == 200
    assert RESPONDENT in notice.get_data(as_text=True)
