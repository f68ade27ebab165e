"""Money a case waits for (待到账款), registered by enforcement, placed when it is here."""

import pytest

from tests.integration.payments import balance
from tests.integration.statement_files import Row, csv_statement, upload

DEDUCTED = "6222020200112233445"  #: 张伟's account in case_body


@pytest.fixture
def credits(client, court):
    rows = [
        Row(
            "2026-03-02", "1200.00", "某银行", "0200009999000001", "扣划 KH2026030200017", "", "X1"
        ),
        Row("2026-03-09", "3000.00", "张三", DEDUCTED, "转账", "", "X2"),
        Row("2026-05-20", "450.00", "张三", DEDUCTED, "转账", "", "X3"),
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    return client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]


def register(client, court, case_id: int, role: str = "enforcement", **body):
    return client.post(
        f"/api/v1/cases/{case_id}/expected-receipts", json=body, headers=court.headers(role)
    )


def test_a_credit_carrying_the_reference_is_placed_on_the_case(
    client, court, register_case, credits
):
    case = register_case()
    response = register(
        client, court, case["id"], source="network_deduction", reference="KH2026030200017",
        amount="1200.00", expected_by="2026-03-05",
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()
    assert (receipt["status"], receipt["transaction_id"]) == ("received", credits[0]["id"])
    line = client.get(
        f"/api/v1/transactions/{credits[0]['id']}", headers=court.headers("finance")
    ).get_json()
    assert (line["status"], line["case_id"], line["match_rule"]) == (
        "matched",
        case["id"],
        "expected",
    )
    assert line["match_evidence"] == {"expected_receipt_id": receipt["id"], "by": "reference"}
    assert line["parts"][0]["arrived_on"] == "2026-03-02"
    assert balance(client, court, case["id"])["received"] == "1200.00"


def test_the_same_amount_from_the_expected_payer_within_the_window_fits(
    client, court, register_case, credits
):
    case = register_case()
    receipt = register(
        client, court, case["id"], source="offline_deduction", amount="3000.00",
        payer_account="6222 0202 0011 2233 445", expected_by="2026-03-10",
    ).get_json()  # fmt: skip
    assert (receipt["status"], receipt["transaction_id"]) == ("received", credits[1]["id"])
    assert balance(client, court, case["id"])["received"] == "3000.00"


def test_a_credit_outside_the_window_or_of_another_amount_does_not_fit(
    client, court, register_case, credits
):
    case = register_case()
    late = register(
        client, court, case["id"], source="auction", amount="450.00",
        payer_account=DEDUCTED, expected_by="2026-03-10",
    ).get_json()  # fmt: skip
    other = register(
        client, court, case["id"], source="auction", amount="2999.99",
        payer_account=DEDUCTED, expected_by="2026-03-10",
    ).get_json()  # fmt: skip
    assert (late["status"], other["status"]) == ("expected", "expected")
    assert balance(client, court, case["id"])["received"] == "0.00"
    listed = client.get(
        f"/api/v1/cases/{case['id']}/expected-receipts", headers=court.headers("desk")
    ).get_json()
    assert [(r["id"], r["source"], r["amount"]) for r in listed["items"]] == [
        (late["id"], "auction", "450.00"),
        (other["id"], "auction", "2999.99"),
    ]


def test_registering_is_refused_without_a_way_to_recognise_it_for_a_closed_case_or_role(
    client, court, register_case
):
    case, closed = register_case(), register_case()
    client.patch(
        f"/api/v1/cases/{closed['id']}", json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )  # fmt: skip
    body = {"source": "entrusted_court", "amount": "10.00", "expected_by": "2026-03-10"}
    assert register(client, court, case["id"], **body).status_code == 422
    assert (
        register(
            client, court, case["id"], **{**body, "source": "gift", "reference": "R"}
        ).status_code
        == 422
    )
    assert (
        register(client, court, case["id"], **{**body, "amount": 10, "reference": "R"}).status_code
        == 422
    )
    refused = register(client, court, closed["id"], **{**body, "reference": "R"})
    assert (refused.status_code, refused.get_json()["code"]) == (409, "illegal_transition")
    assert (
        register(client, court, case["id"], "finance", **{**body, "reference": "R"}).status_code
        == 403
    )
    assert register(client, court, 987654321, **{**body, "reference": "R"}).status_code == 404


def test_a_credit_imported_after_its_receipt_is_registered_is_placed_by_it(
    client, court, register_case
):
    from tests.integration.statement_files import Row, csv_statement, upload

    case = register_case()
    registered = client.post(
        f"/api/v1/cases/{case['id']}/expected-receipts",
        json={
            "source": "network_deduction",
            "reference": "KK20261116-77",
            "amount": "6400.00",
            "expected_by": "2026-11-20",
        },
        headers=court.headers("enforcement"),
    )
    assert registered.status_code == 201, registered.get_json()
    data = csv_statement(
        [Row("2026-11-16", "6400.00", "某银行", "6222020200119990000", "扣划款 KK20261116-77")]
    )
    assert upload(client, court, data).status_code == 201
    (line,) = client.get(
        "/api/v1/transactions",
        query_string={"case_id": case["id"]},
        headers=court.headers("finance"),
    ).get_json()["items"]
    assert (line["status"], line["match_rule"]) == ("matched", "expected")
    receipts = client.get(
        f"/api/v1/cases/{case['id']}/expected-receipts", headers=court.headers("enforcement")
    ).get_json()
    assert (receipts["items"][0]["status"], receipts["items"][0]["transaction_id"]) == (
        "received",
        line["id"],
    )
