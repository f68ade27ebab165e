"""Each applicant's entitlement (申请执行人应得款) through the API: registered per applicant,
shown with what was paid and is still due, and every payment checked against the applicant
whose account receives it — never a case-wide pool (art. 20, 22)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration import payments
from tests.integration.payments import PAYEE, balance

funded_case = payments.funded_case
people = payments.people

ACCOUNT_A = PAYEE  #: 北京华信商贸有限公司's
ACCOUNT_B = "622848001122334455"  #: 李明's


def applicants(a_due: str | None = "40000.00", b_due: str | None = "20000.00") -> list[dict]:
    a = {
        "name": "北京华信商贸有限公司",
        "payee_accounts": [
            {
                "account_number": ACCOUNT_A,
                "account_name": "北京华信商贸有限公司",
                "bank_name": "交通银行",
            }
        ],
        "order": 1,
    }
    b = {
        "name": "李明",
        "payee_accounts": [
            {"account_number": ACCOUNT_B, "account_name": "李明", "bank_name": "农业银行"}
        ],
        "order": 2,
    }
    if a_due is not None:
        a["amount_due"] = a_due
    if b_due is not None:
        b["amount_due"] = b_due
    return [a, b]


def request(client, court, case_id, amount, account, **extra):
    return client.post(
        f"/api/v1/cases/{case_id}/disbursements",
        json={"amount": amount, "payee_account_number": account, "note": "发放", **extra},
        headers=court.headers("enforcement"),
    )


def shown(client, court, case_id) -> list[dict]:
    case = client.get(f"/api/v1/cases/{case_id}", headers=court.headers("desk")).get_json()
    return [
        {k: a[k] for k in ("name", "amount_due", "order", "entitled", "paid", "due")}
        for a in case["applicants"]
    ]


def test_registration_keeps_each_applicants_entitlement_and_the_case_shows_it(
    client, court, register_case
):
    case = register_case(applicants=applicants(), amount_due="60000.00")
    assert shown(client, court, case["id"]) == [
        {
            "name": "北京华信商贸有限公司",
            "amount_due": "40000.00",
            "order": 1,
            "entitled": "40000.00",
            "paid": "0.00",
            "due": "40000.00",
        },
        {
            "name": "李明",
            "amount_due": "20000.00",
            "order": 2,
            "entitled": "20000.00",
            "paid": "0.00",
            "due": "20000.00",
        },
    ]


def test_a_payout_above_the_applicants_unpaid_entitlement_is_refused_though_money_is_there(
    client, court, funded_case
):
    case = funded_case(60_000_00, applicants=applicants(), amount_due="60000.00")
    # B's account may not take A's share: the check is B's own entitlement
    refused = request(client, court, case["id"], "20000.01", ACCOUNT_B)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["code"] == "exceeds_entitlement"
    assert body["applicant"] == "李明" and body["unpaid"] == "20000.00"
    assert balance(client, court, case["id"])["pending"] == "0.00"  # nothing reserved
    assert request(client, court, case["id"], "20000.00", ACCOUNT_B).status_code == 201
    assert request(client, court, case["id"], "40000.00", ACCOUNT_A).status_code == 201
    assert balance(client, court, case["id"])["available"] == "0.00"


def test_a_requested_payment_counts_against_the_entitlement_until_it_is_rejected(
    client, court, funded_case
):
    case = funded_case(60_000_00, applicants=applicants(), amount_due="60000.00")
    first = request(client, court, case["id"], "30000.00", ACCOUNT_A).get_json()
    again = request(client, court, case["id"], "15000.00", ACCOUNT_A)
    assert again.status_code == 422 and again.get_json()["unpaid"] == "10000.00"
    rejected = client.post(
        f"/api/v1/disbursements/{first['id']}/reject",
        json={"note": "金额有误"},
        headers=court.headers("approver"),
    )
    assert rejected.status_code == 200
    assert request(client, court, case["id"], "15000.00", ACCOUNT_A).status_code == 201


def test_paid_and_due_follow_the_payments_of_each_applicant(client, court, funded_case):
    case = funded_case(60_000_00, applicants=applicants(), amount_due="60000.00")
    made = request(client, court, case["id"], "25000.00", ACCOUNT_A).get_json()
    assert made["party_id"] is not None
    client.post(
        f"/api/v1/disbursements/{made['id']}/approve", json={}, headers=court.headers("approver")
    )
    paid = client.post(
        f"/api/v1/disbursements/{made['id']}/mark-paid",
        json={"bank_reference": "B-1"},
        headers=court.headers("finance"),
    )
    assert paid.status_code == 200, paid.get_json()
    a, b = shown(client, court, case["id"])
    assert (a["entitled"], a["paid"], a["due"]) == ("40000.00", "25000.00", "15000.00")
    assert (b["entitled"], b["paid"], b["due"]) == ("20000.00", "0.00", "20000.00")
    assert request(client, court, case["id"], "15000.01", ACCOUNT_A).status_code == 422
    assert request(client, court, case["id"], "15000.00", ACCOUNT_A).status_code == 201


def test_a_sole_applicant_is_entitled_to_the_cases_amount_due(client, court, funded_case):
    case = funded_case(80_000_00, amount_due="50000.00")
    [applicant] = shown(client, court, case["id"])
    assert (applicant["amount_due"], applicant["entitled"]) == (None, "50000.00")
    refused = request(client, court, case["id"], "50000.01", PAYEE)
    assert refused.get_json()["code"] == "exceeds_entitlement"
    assert request(client, court, case["id"], "50000.00", PAYEE).status_code == 201


def test_several_applicants_without_amounts_have_unknown_entitlements_and_only_money_limits(
    client, court, funded_case
):
    case = funded_case(60_000_00, applicants=applicants(None, None), amount_due="60000.00")
    assert [(a["entitled"], a["due"]) for a in shown(client, court, case["id"])] == [
        (None, None),
        (None, None),
    ]
    assert request(client, court, case["id"], "60000.00", ACCOUNT_B).status_code == 201
    over = request(client, court, case["id"], "0.01", ACCOUNT_A)
    assert over.get_json()["code"] == "insufficient_available"


def test_more_than_available_is_insufficient_available_before_any_entitlement(
    client, court, funded_case
):
    case = funded_case(10_000_00, applicants=applicants(), amount_due="60000.00")
    response = request(client, court, case["id"], "30000.00", ACCOUNT_A)
    assert response.get_json()["code"] == "insufficient_available"


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount_due", 40000), ("amount_due", "-1.00"), ("amount_due", "1.001"), ("order", 0)],
)
def test_a_wrong_entitlement_is_refused_at_registration(client, court, field, value):
    from tests.integration.conftest import case_body

    body = case_body(court.code, applicants=applicants())
    body["applicants"][0][field] = value
    response = client.post("/api/v1/cases", json=body, headers=court.headers("enforcement"))
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_error"


def test_the_case_list_shows_the_entitlements_too(client, court, register_case):
    case = register_case(applicants=applicants(), amount_due="60000.00")
    found = client.get(
        "/api/v1/cases", query_string={"q": "李明"}, headers=court.headers("desk")
    ).get_json()["items"]
    [item] = [c for c in found if c["id"] == case["id"]]
    assert [a["due"] for a in item["applicants"]] == ["40000.00", "20000.00"]


@pytest.mark.postgres
def test_concurrent_requests_never_take_the_same_unpaid_part_twice(app, court, funded_case):
    case = funded_case(60_000_00, applicants=applicants(), amount_due="60000.00")

    def post(_):
        with app.test_client() as c:
            return request(c, court, case["id"], "15000.00", ACCOUNT_B).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(post, range(6)))
    assert statuses.count(201) == 1  # 李明 is owed 20,000.00: one request of 15,000.00
    assert statuses.count(422) == 5
