"""Money that became disputed after its payment was approved is not paid out quietly.

A hold placed after approval covers money the payment reserved (holds may exceed what is
left). Finance cannot record such a payment as made; and when the bank pays it anyway,
the statement debit raises a critical alert: disputed money was paid (art. 22).
"""

import pytest

from tests.integration import payments
from tests.integration.payments import PAYEE, balance
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people
funded_case = payments.funded_case


@pytest.fixture
def approved_then_held(client, court, funded_case, people):
    case = funded_case(1_000_00)
    payment = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "1000.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    ).get_json()
    approved = client.post(
        f"/api/v1/disbursements/{payment['id']}/approve",
        json={},
        headers=people("approver", "审批人"),
    )
    assert approved.get_json()["status"] == "approved"
    hold = client.post(
        f"/api/v1/cases/{case['id']}/holds",
        json={
            "amount": "400.00",
            "reason": "案外人异议",
            "document_reference": "（2026）京0105执异1号",
        },
        headers=court.headers("enforcement"),
    )
    assert hold.status_code == 201, hold.get_json()
    return case, payment


def desk_alerts(client, court, kind: str) -> list[dict]:
    response = client.get(
        "/api/v1/alerts", query_string={"kind": kind}, headers=court.headers("desk")
    )
    return response.get_json()["items"]


def test_a_statement_debit_that_pays_held_money_raises_a_critical_alert(
    client, court, approved_then_held
):
    case, payment = approved_then_held
    debit = Row("2026-11-10", "-1000.00", "北京华信商贸有限公司", PAYEE, "案款发放", "", "D1")
    report = upload(client, court, csv_statement([debit], opening="1000.00")).get_json()
    assert report["debits_reconciled"] == 1  # the books follow the bank: the money has left
    [alert] = desk_alerts(client, court, "paid_while_held")
    assert (alert["severity"], alert["case_id"]) == ("critical", case["id"])
    assert alert["facts"]["disbursement_id"] == payment["id"]
    assert alert["facts"]["shortfall"] == "400.00"
    assert balance(client, court, case["id"])["paid"] == "1000.00"


def test_a_statement_debit_for_unheld_money_raises_no_such_alert(
    client, court, funded_case, people
):
    case = funded_case(1_000_00)
    payment = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "600.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    ).get_json()
    client.post(
        f"/api/v1/disbursements/{payment['id']}/approve",
        json={},
        headers=people("approver", "审批人"),
    )
    client.post(  # holds what the payment left, not what it reserved
        f"/api/v1/cases/{case['id']}/holds",
        json={
            "amount": "400.00",
            "reason": "执行异议",
            "document_reference": "（2026）京0105执异2号",
        },
        headers=court.headers("enforcement"),
    )
    debit = Row("2026-11-10", "-600.00", "北京华信商贸有限公司", PAYEE, "案款发放", "", "D1")
    upload(client, court, csv_statement([debit], opening="1000.00"))
    assert desk_alerts(client, court, "paid_while_held") == []


def test_finance_cannot_record_as_paid_a_payment_whose_money_a_hold_covers(
    client, court, approved_then_held
):
    case, payment = approved_then_held
    refused = client.post(
        f"/api/v1/disbursements/{payment['id']}/mark-paid",
        json={"bank_reference": "网银流水 20261110-01"},
        headers=court.headers("finance"),
    )
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["code"] == "insufficient_available"
    assert refused.get_json()["shortfall"] == 400_00
    shown = client.get(f"/api/v1/disbursements/{payment['id']}", headers=court.headers("finance"))
    assert shown.get_json()["status"] == "approved"
    assert balance(client, court, case["id"])["paid"] == "0.00"
