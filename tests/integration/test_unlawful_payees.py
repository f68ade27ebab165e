"""An applicant's payee account is never the respondent's or the court's own (art. 20)."""

from __future__ import annotations

import pytest

from reconcile.services import courts
from tests.integration.conftest import COLLECTION_ACCOUNT

APPLICANT = "北京华信商贸有限公司"


def ask(client, court, case_id: int, account_number: str):
    return client.post(
        f"/api/v1/cases/{case_id}/payee-accounts",
        json={
            "applicant_name": APPLICANT,
            "account_number": account_number,
            "document_reference": "（2026）京0105执1000号之一",
        },
        headers=court.headers("enforcement"),
    )


def changes(client, court, case_id: int) -> list[dict]:
    return client.get(
        f"/api/v1/cases/{case_id}/payee-account-changes", headers=court.headers("enforcement")
    ).get_json()["items"]


@pytest.mark.parametrize(
    ("account", "owner"),
    [
        ("6222020200112233445", "respondent"),
        ("6222 0202 0011 2233 445", "respondent"),
        (COLLECTION_ACCOUNT, "collection_account"),
        ("0200009999", "court_account"),
    ],
)
def test_an_account_of_the_respondent_or_the_court_is_refused(
    client, court, register_case, account, owner
):
    case = register_case()
    response = ask(client, court, case["id"], account)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert (problem["code"], problem["belongs_to"]) == ("unlawful_payee_account", owner)
    assert "account_number" in problem["errors"]
    assert changes(client, court, case["id"]) == []


def test_a_case_sub_account_is_refused_its_own_or_another_cases(client, court, register_case):
    case, other = register_case(), register_case()
    for number in (case["sub_account_number"], other["sub_account_number"]):
        response = ask(client, court, case["id"], number)
        assert response.status_code == 422
        assert response.get_json()["belongs_to"] == "sub_account"
    assert changes(client, court, case["id"]) == []


def test_another_applicants_account_is_still_asked_for(client, court, register_case):
    case = register_case()
    response = ask(client, court, case["id"], "6214830100001111")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "requested"


def test_an_account_that_became_a_courts_since_the_request_is_not_named_on_approval(
    client, court, register_case, uow, admin
):
    case = register_case()
    change = ask(client, court, case["id"], "0200001009014409999").get_json()
    courts.add_collection_account(
        uow(), admin, court=court.code, number="0200001009014409999", bank="中国工商银行",
        sub_account_prefix="8802",
    )  # fmt: skip
    response = client.post(
        f"/api/v1/payee-account-changes/{change['id']}/approve",
        json={},
        headers=court.headers("approver"),
    )
    assert response.status_code == 422
    assert response.get_json()["code"] == "unlawful_payee_account"
    [kept] = changes(client, court, case["id"])
    assert (kept["status"], kept["approvals"]) == ("requested", [])


def test_a_case_naming_the_respondents_account_as_payee_is_not_registered(client, court, engine):
    from sqlalchemy import func, select

    from reconcile.db.tables import cases
    from tests.integration.conftest import case_body

    body = case_body(court.code)
    respondent_account = body["respondents"][0]["accounts"][0]["account_number"]
    body["applicants"][0]["payee_accounts"].append({"account_number": respondent_account})
    refused = client.post("/api/v1/cases", json=body, headers=court.headers("enforcement"))
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "unlawful_payee_account"
    collection = case_body(court.code)
    collection["applicants"][0]["payee_accounts"] = [{"account_number": court.account}]
    refused = client.post("/api/v1/cases", json=collection, headers=court.headers("enforcement"))
    assert refused.status_code == 422
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == 0
