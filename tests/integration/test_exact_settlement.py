"""Exact settlement (#21): a statement debit carrying a disbursement's reference settles
that disbursement, even beside another payout of the same amount to the same payee; a
reference to a payment that is not approved, or of another amount, is critical."""

from tests.integration import court_flow
from tests.integration.court_flow import PAYEE, approved
from tests.integration.statement_files import Row, csv_statement, upload

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded


def lines_of(client, court):
    return client.get(
        "/api/v1/transactions", query_string={"limit": 500}, headers=court.headers("finance")
    ).get_json()["items"]


def shown(client, staff, disbursement_id):
    return client.get(f"/api/v1/disbursements/{disbursement_id}", headers=staff.finance).get_json()


def test_two_payouts_of_5000_to_one_payee_are_each_settled_by_their_own_debit(
    client, court, staff, funded
):
    case = funded(20_000_00)
    first, second = (approved(client, staff, case["id"], "5000.00") for _ in range(2))
    statement = csv_statement(
        [  # the bank paid the second one first
            Row("2026-12-01", "-5000.00", "北京华信商贸有限公司", PAYEE,
                f"执行款 {case['case_number']} {second['reference']}", reference="B1"),
            Row("2026-12-02", "-5000.00", "北京华信商贸有限公司", PAYEE,
                f"执行款 {case['case_number']} {first['reference']}", reference="B2"),
        ],
        opening="100000.00",
    )  # fmt: skip
    report = upload(client, court, statement).get_json()
    assert report["debits_reconciled"] == 2
    by_ref = {line["bank_reference"]: line["id"] for line in lines_of(client, court)}
    paid_first, paid_second = shown(client, staff, first["id"]), shown(client, staff, second["id"])
    assert (paid_second["status"], paid_second["transaction_id"]) == ("paid", by_ref["B1"])
    assert (paid_first["status"], paid_first["transaction_id"]) == ("paid", by_ref["B2"])


def test_a_debit_naming_an_unapproved_payment_is_critical_and_settles_no_other(
    client, court, staff, funded
):
    case = funded(20_000_00)
    awaiting_bank = approved(client, staff, case["id"], "5000.00")
    unapproved = court_flow.request(client, case["id"], "5000.00", staff.judge).get_json()
    statement = csv_statement(
        [Row("2026-12-01", "-5000.00", "北京华信商贸有限公司", PAYEE,
             f"执行款 {unapproved['reference']}", reference="B9")],
        opening="100000.00",
    )  # fmt: skip
    assert upload(client, court, statement).get_json()["debits_flagged"] == 1
    assert shown(client, staff, awaiting_bank["id"])["status"] == "approved"  # not taken
    assert shown(client, staff, unapproved["id"])["status"] == "requested"
    alerts = client.get(
        "/api/v1/alerts", query_string={"status": "open"}, headers=court.headers("finance")
    ).get_json()["items"]
    [alert] = [a for a in alerts if a["kind"] in ("unmatched_debit", "unauthorised_debit")]
    assert alert["severity"] == "critical"


def test_a_debit_naming_a_payment_with_another_amount_is_critical(client, court, staff, funded):
    case = funded(20_000_00)
    payment = approved(client, staff, case["id"], "5000.00")
    approved(client, staff, case["id"], "4000.00")  # what the debit's amount would fit
    statement = csv_statement(
        [Row("2026-12-01", "-4000.00", "北京华信商贸有限公司", PAYEE,
             f"执行款 {payment['reference']}", reference="B7")],
        opening="100000.00",
    )  # fmt: skip
    assert upload(client, court, statement).get_json()["debits_flagged"] == 1
    assert shown(client, staff, payment["id"])["status"] == "approved"


def test_a_debit_without_a_reference_still_settles_by_payee_and_amount(
    client, court, staff, funded
):
    case = funded(20_000_00)
    payment = approved(client, staff, case["id"], "5000.00")
    statement = csv_statement(
        [Row("2026-12-01", "-5000.00", "北京华信商贸有限公司", PAYEE, "执行款", reference="B3")],
        opening="100000.00",
    )
    assert upload(client, court, statement).get_json()["debits_reconciled"] == 1
    assert shown(client, staff, payment["id"])["status"] == "paid"
