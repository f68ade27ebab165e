"""Closing a case: only with its closure type and nothing left on it (art. 12, art. 64)."""

from __future__ import annotations

import pytest

from tests.integration import payments
from tests.integration.payments import PAYEE

funded_case = payments.funded_case


def close(client, court, case_id, closure_type="completed"):
    body = {"status": "closed"}
    if closure_type:
        body["closure_type"] = closure_type
    return client.patch(f"/api/v1/cases/{case_id}", json=body, headers=court.headers("enforcement"))


def blockers(response) -> dict:
    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert body["code"] == "case_has_funds"
    return {b["reason"]: b for b in body["blockers"]}


def test_a_case_with_money_on_account_is_not_closed(client, court, funded_case):
    case = funded_case(12_000_00)
    found = blockers(close(client, court, case["id"]))
    assert found == {"money_on_account": {"reason": "money_on_account", "amount": 12_000_00}}
    shown = client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("desk")).get_json()
    assert (shown["status"], shown["closure_type"]) == ("open", None)


def test_every_blocker_is_listed(client, court, funded_case):
    case = funded_case(10_000_00)
    client.post(
        f"/api/v1/cases/{case['id']}/holds",
        json={"amount": "1000.00", "reason": "异议", "document_reference": "（2026）执异1号"},
        headers=court.headers("enforcement"),
    )
    client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "2000.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    )
    found = blockers(close(client, court, case["id"], "terminated_this_round"))
    assert set(found) == {"money_on_account", "active_holds", "open_disbursements"}
    assert found["active_holds"]["count"] == 1 and found["open_disbursements"]["count"] == 1


def test_an_empty_case_closes_with_its_type_and_reopens(client, court, register_case):
    case = register_case()
    closed = close(client, court, case["id"], "withdrawn")
    assert closed.status_code == 200
    assert (closed.get_json()["status"], closed.get_json()["closure_type"]) == (
        "closed",
        "withdrawn",
    )
    reopened = client.patch(
        f"/api/v1/cases/{case['id']}", json={"status": "open"}, headers=court.headers("enforcement")
    )
    assert (reopened.get_json()["status"], reopened.get_json()["closure_type"]) == ("open", None)


@pytest.mark.parametrize("closure_type", [None, "finished", ""])
def test_closing_needs_a_known_closure_type(client, court, register_case, closure_type):
    case = register_case()
    body = {"status": "closed"}
    if closure_type is not None:
        body["closure_type"] = closure_type
    refused = client.patch(
        f"/api/v1/cases/{case['id']}", json=body, headers=court.headers("enforcement")
    )
    assert refused.status_code == 422
    assert "closure_type" in refused.get_json()["errors"]
