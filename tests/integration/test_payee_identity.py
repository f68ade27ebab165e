"""Payee identity through the API (art. 20): a payee account in another name than the
applicant's is refused unless it is the agent's, registered with its special authorisation
(特别授权) and approved through the payee-account change queue; identity numbers are
accepted and only ever shown masked."""

import json

from sqlalchemy import select

from reconcile.db import audit_log
from reconcile.db.tables import parties
from tests.integration import payments
from tests.integration.conftest import case_body
from tests.integration.staff_pages import post_form, sign_in, staff

__all__ = ["people", "staff"]

people = payments.people
APPLICANT = "北京华信商贸有限公司"
ID_NUMBER = "110105199001011234"
CREDIT_CODE = "91110105MA01ABCD2X"


def account(number: str, name: str, **extra) -> dict:
    return {"account_number": number, "account_name": name, "bank_name": "交通银行", **extra}


def register(client, court, payee_accounts: list[dict], **overrides):
    applicants = [{"name": APPLICANT, "payee_accounts": payee_accounts, **overrides}]
    return client.post(
        "/api/v1/cases",
        json=case_body(court.code, applicants=applicants),
        headers=court.headers("enforcement"),
    )


def test_an_account_in_the_applicants_name_written_another_way_is_accepted(client, court):
    written = "北京华信商贸 有限公司"  # spaces, and full or half width, do not count
    response = register(client, court, [account("6222000011112222", written)])
    assert response.status_code == 201, response.get_json()
    half_width = register(client, court, [account("6222000011113333", "ＡＢＣ")], name="abc")
    assert half_width.status_code == 201, half_width.get_json()


def test_an_account_in_another_name_is_refused_at_registration_and_in_a_change(
    client, court, register_case
):
    refused = register(client, court, [account("6222000011112222", "王五")])
    assert (refused.status_code, refused.get_json()["code"]) == (422, "payee_name_mismatch")
    assert "account_name" in refused.get_json()["errors"]
    case = register_case()
    change = client.post(
        f"/api/v1/cases/{case['id']}/payee-accounts",
        json={
            "applicant_name": APPLICANT,
            "account_number": "6222000011114444",
            "account_name": "王五",
            "document_reference": "（2026）京0105执1号之一",
        },
        headers=court.headers("enforcement"),
    )
    assert (change.status_code, change.get_json()["code"]) == (422, "payee_name_mismatch")


def test_an_agents_account_with_its_authorisation_is_named_only_once_approved(
    client, court, people
):
    agent = {"name": "王五", "authorisation_document": "特别授权委托书（2026）第7号"}
    response = register(
        client,
        court,
        [account("6222000011112222", APPLICANT), account("6222000055556666", "王五", agent=agent)],
    )
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    named = [a["account_number"] for a in case["applicants"][0]["payee_accounts"]]
    assert named == ["6222000011112222"]
    [change] = client.get(
        f"/api/v1/cases/{case['id']}/payee-account-changes", headers=court.headers("finance")
    ).get_json()["items"]
    assert (change["status"], change["agent_name"], change["authorisation_document"]) == (
        "requested",
        "王五",
        "特别授权委托书（2026）第7号",
    )
    early = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "1.00", "payee_account_number": "6222000055556666", "note": "x"},
        headers=court.headers("enforcement"),
    )
    assert (early.status_code, early.get_json()["code"]) == (422, "payee_not_named")
    approved = client.post(
        f"/api/v1/payee-account-changes/{change['id']}/approve",
        json={},
        headers=people("approver", "审批人"),
    )
    assert approved.get_json()["status"] == "approved", approved.get_json()
    case = client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("finance")).get_json()
    named = [a["account_number"] for a in case["applicants"][0]["payee_accounts"]]
    assert named == ["6222000011112222", "6222000055556666"]


def test_an_agent_without_the_authorisation_or_in_a_third_name_is_refused(client, court):
    without = register(
        client,
        court,
        [
            account(
                "6222000055556666", "王五", agent={"name": "王五", "authorisation_document": " "}
            )
        ],
    )
    assert without.status_code == 422
    third = register(
        client,
        court,
        [
            account(
                "6222000055556666",
                "赵六",
                agent={"name": "王五", "authorisation_document": "委托书"},
            )
        ],
    )
    assert (third.status_code, third.get_json()["code"]) == (422, "payee_name_mismatch")


def test_identity_numbers_are_stored_as_given_and_shown_masked_everywhere(client, court, engine):
    body = case_body(court.code)
    body["applicants"][0]["id_number"] = CREDIT_CODE
    body["respondents"][0]["id_number"] = ID_NUMBER
    response = client.post("/api/v1/cases", json=body, headers=court.headers("enforcement"))
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["applicants"][0]["id_number"] == "9111" + "*" * 10 + "CD2X"
    assert case["respondents"][0]["id_number"] == "1101" + "*" * 10 + "1234"
    shown = client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("desk")).get_json()
    assert ID_NUMBER not in json.dumps(shown, ensure_ascii=False)
    with engine.connect() as conn:
        [registered] = audit_log.records_for(conn, "case", str(case["id"]))
    assert registered["action"] == "case.registered"
    written = json.dumps(registered["after"], ensure_ascii=False)
    assert ID_NUMBER not in written and CREDIT_CODE not in written
    assert "1101" + "*" * 10 + "1234" in written
    with engine.connect() as conn:
        stored = set(conn.execute(select(parties.c.id_number)).scalars())
    assert {ID_NUMBER, CREDIT_CODE} <= stored


def test_the_payee_form_takes_the_agent_and_says_a_mismatch_in_chinese(
    client, court, register_case, staff
):
    case = register_case()
    sign_in(client, staff("enforcement", "执行员"))
    page = f"/cases/{case['id']}"
    assert 'data-testid="payee-agent"' in client.get(page).get_data(as_text=True)
    fields = {
        "applicant_name": APPLICANT,
        "account_number": "6222000055556666",
        "account_name": "王五",
        "bank_name": "交通银行",
        "document_reference": "（2026）京0105执1号之二",
    }
    refused = post_form(client, page, f"/cases/{case['id']}/payee-accounts", **fields)
    assert refused.status_code == 422
    assert "账户户名与申请执行人" in refused.get_data(as_text=True)
    agent = {"agent_name": "王五", "agent_authorisation_document": "特别授权委托书第9号"}
    made = post_form(client, page, f"/cases/{case['id']}/payee-accounts", **fields, **agent)
    assert made.status_code == 302
    [change] = client.get(
        f"/api/v1/cases/{case['id']}/payee-account-changes", headers=court.headers("finance")
    ).get_json()["items"]
    assert (change["agent_name"], change["authorisation_document"]) == (
        "王五",
        "特别授权委托书第9号",
    )
