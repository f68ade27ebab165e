"""Returned payouts (退汇) through the API: the bank's credit that brings a paid payment
back is recognised (payee account and amount within the configured window, a reversal,
or a remark saying 退汇/退回 with the payment's reference), the payment becomes `bounced`,
the money is on the case again by reversing entries, the notice clock runs again from the
return's booking day, and `payment_returned` is raised and told to the enforcement system."""

import pytest
from sqlalchemy import select

from reconcile.db.tables_alerts import case_events
from tests.integration import payments
from tests.integration.payments import PAYEE, balance
from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people
__all__ = ["people", "staff"]
PAYEE_NAME = "北京华信商贸有限公司"
RESPONDENT = "6222020200112233445"


def get(client, court, path: str, **query):
    response = client.get(f"/api/v1{path}", query_string=query, headers=court.headers("finance"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def events(engine, case_id: int) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(case_events.c.event)
            .where(case_events.c.case_id == case_id)
            .order_by(case_events.c.id)
        )
        return [row.event for row in rows]


@pytest.fixture
def pay(client, court, register_case, people):
    """Return a factory: a case that received 10,000.00 and paid all of it on `paid_on`."""

    def make(received_on: str = "2026-11-02", paid_on: str = "2026-11-04"):
        case = register_case()
        sub_account = case["sub_account_number"]
        credit = Row(received_on, "10000.00", "张伟", RESPONDENT, "", sub_account, "C1")
        upload(client, court, csv_statement([credit]))
        payment = client.post(
            f"/api/v1/cases/{case['id']}/disbursements",
            json={"amount": "10000.00", "payee_account_number": PAYEE, "note": "发放"},
            headers=court.headers("enforcement"),
        ).get_json()
        client.post(
            f"/api/v1/disbursements/{payment['id']}/approve",
            json={},
            headers=people("approver", "甲"),
        )
        debit = Row(paid_on, "-10000.00", PAYEE_NAME, PAYEE, "案款发放", "", "D1")
        report = upload(client, court, csv_statement([debit], opening="10000.00")).get_json()
        assert report["debits_reconciled"] == 1
        payment = get(client, court, f"/disbursements/{payment['id']}")
        assert (payment["status"], payment["paid_on"]) == ("paid", paid_on)
        return case, payment

    return make


@pytest.fixture
def paid(pay):
    """A case that received 10,000.00 on 2026-11-02 and paid all of it on 2026-11-04."""
    return pay()


def returned(day: str, remark: str = "退款", account: str = PAYEE, amount="10000.00") -> bytes:
    return csv_statement([Row(day, amount, PAYEE_NAME, account, remark, "", "R1")], opening="0.00")


def test_a_credit_from_the_payee_within_the_window_returns_the_payment_to_the_case(
    client, court, paid, engine
):
    case, payment = paid
    report = upload(client, court, returned("2026-11-09")).get_json()
    assert (report["credits_matched"], report["orphans"]) == (1, 0)
    [line] = get(client, court, "/transactions", case_id=case["id"], status="matched")["items"][1:]
    assert (line["case_id"], line["match_rule"]) == (case["id"], "returned_payment")
    payment = get(client, court, f"/disbursements/{payment['id']}")
    assert (payment["status"], payment["returned_on"]) == ("bounced", "2026-11-09")
    assert payment["return_transaction_id"] == line["id"]
    assert balance(client, court, case["id"]) == {
        "received": "10000.00",
        "held": "0.00",
        "pending": "0.00",
        "approved_unpaid": "0.00",
        "paid": "0.00",
        "available": "10000.00",
        "fees_paid": "0.00",
    }
    entries = get(client, court, f"/cases/{case['id']}/ledger")["items"]
    taken_back = [e for e in entries if e["kind"] == "payment_returned"]
    assert [(e["bucket"], e["amount"]) for e in taken_back] == [
        ("received", "-10000.00"),
        ("paid", "-10000.00"),
    ]
    by_id = {e["id"]: e for e in entries}
    assert [by_id[e["reverses_entry_id"]]["kind"] for e in taken_back] == [
        "credit",
        "disbursement_paid",
    ]
    [alert] = get(client, court, "/alerts", kind="payment_returned")["items"]
    assert (alert["severity"], alert["case_id"], alert["transaction_id"]) == (
        "warning",
        case["id"],
        line["id"],
    )
    assert payment["reference"] in alert["detail"] and "2026-11-09" in alert["detail"]
    assert events(engine, case["id"])[-1] == "payment_returned"
    assert events(engine, case["id"]).count("money_received") == 1  # the first credit only


def test_the_notice_clock_runs_again_from_the_returns_booking_day(client, court, paid):
    case, _ = paid
    upload(client, court, returned("2026-11-09"))
    [clock] = get(client, court, f"/cases/{case['id']}/deadlines", as_of="2026-11-10")["deadlines"]
    # 2026-11-09 is a Monday; ten working days later, not counting the day itself
    assert (clock["clock"], clock["started_on"], clock["amount"], clock["due"]) == (
        "notice",
        "2026-11-09",
        "10000.00",
        "2026-11-23",
    )


def test_a_credit_from_the_payee_is_a_return_until_the_window_closes(client, court, pay):
    _, within = pay(paid_on="2026-11-04")
    upload(client, court, returned("2026-12-03"))  # 29 days after: within 30
    assert get(client, court, f"/disbursements/{within['id']}")["status"] == "bounced"
    _, outside = pay(received_on="2026-10-08", paid_on="2026-10-09")
    report = upload(client, court, returned("2026-11-10", remark="退款 2")).get_json()
    assert (report["credits_matched"], report["orphans"]) == (0, 1)  # 32 days after
    assert get(client, court, f"/disbursements/{outside['id']}")["status"] == "paid"


def test_a_remark_saying_it_is_returned_with_the_reference_is_a_return_whenever_it_comes(
    client, court, paid
):
    _, payment = paid
    other = "6222111122223333"  # the bank returns it from its own clearing account
    data = returned(
        "2026-12-03", remark=f"退汇 原交易{payment['reference']} 户名不符", account=other
    )
    assert upload(client, court, data).get_json()["credits_matched"] == 1
    assert get(client, court, f"/disbursements/{payment['id']}")["status"] == "bounced"


def test_a_credit_from_another_account_or_of_another_amount_is_no_return(client, court, paid):
    _, payment = paid
    report = upload(
        client,
        court,
        csv_statement(
            [
                Row("2026-11-09", "9999.00", PAYEE_NAME, PAYEE, "退款", "", "R1"),
                Row("2026-11-09", "10000.00", "某人", "6222111122223333", "转账", "", "R2"),
                Row("2026-11-10", "10000.00", PAYEE_NAME, PAYEE, "收回", "", "R3"),
            ]
        ),
    ).get_json()  # fmt: skip
    # the third is the payee's amount from its account within the window: a return
    assert (report["credits_matched"], report["orphans"]) == (1, 2)
    assert get(client, court, f"/disbursements/{payment['id']}")["returned_on"] == "2026-11-10"


def test_a_camt_reversal_with_the_reference_is_a_return(client, court, paid):
    _, payment = paid
    entry = (
        '<Ntry><Amt Ccy="CNY">10000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>'
        "<Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>RV1</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{payment['reference']}</EndToEndId></Refs>"
        "<RmtInf><Ustrd>RETURN</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )
    data = (
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:'
        'xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>'
        "2026-11-20T18:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id><CreDtTm>2026-11-20T18:00:00"
        f"</CreDtTm><Acct><Id><Othr><Id>{court.account}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>"
        f"{entry}</Stmt></BkToCstmrStmt></Document>"
    ).encode()
    report = upload(client, court, data, name="camt.xml").get_json()
    assert report["credits_matched"] == 1, report
    payment = get(client, court, f"/disbursements/{payment['id']}")
    assert (payment["status"], payment["returned_on"]) == ("bounced", "2026-11-20")


def test_the_preview_shows_the_return_and_changes_nothing(client, court, paid):
    case, payment = paid
    preview = upload(
        client, court, returned("2026-11-09"), extra_form={"dry_run": "true"}
    ).get_json()
    [line] = preview["lines"]
    assert (line["outcome"], line["case_id"], line["match_rule"], line["reason"]) == (
        "matched",
        case["id"],
        "returned_payment",
        "returned_payment",
    )
    assert get(client, court, f"/disbursements/{payment['id']}")["status"] == "paid"
    assert get(client, court, "/alerts", kind="payment_returned")["items"] == []


def test_the_case_page_shows_the_returned_payout_and_its_alert(client, court, paid, staff):
    case, payment = paid
    upload(client, court, returned("2026-11-09"))
    sign_in(client, staff("finance", "财务甲"))
    page = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert f'data-testid="returned-{payment["id"]}"' in page
    assert "2026-11-09 银行退汇，10,000.00 元已回到本案" in page
    assert 'data-testid="money-alert-payment_returned"' in page
    assert f"银行退回发放 {payment['reference']}" in page
    assert "已退汇" in page
