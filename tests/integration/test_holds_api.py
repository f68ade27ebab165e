"""Holds through the API: disputed money is held, the undisputed rest is paid first."""

from sqlalchemy import select

from reconcile.db.tables_alerts import case_events
from tests.integration import payments
from tests.integration.payments import PAYEE, balance

HOLD = {
    "amount": "30000.00",
    "reason": "案外人异议",
    "document_reference": "（2026）京0105执异12号",
}

# fixtures of the payment tests (the app with every payment endpoint, …)
funded_case = payments.funded_case
people = payments.people


def place(client, court, case_id, **body):
    return client.post(
        f"/api/v1/cases/{case_id}/holds",
        json={**HOLD, **body},
        headers=court.headers("enforcement"),
    )


def release(client, court, hold_id, **body):
    return client.post(
        f"/api/v1/holds/{hold_id}/release", json=body, headers=court.headers("enforcement")
    )


def test_a_hold_larger_than_the_balance_is_placed_and_leaves_nothing_available(
    client, court, funded_case
):
    case = funded_case(10_000_00)
    response = place(client, court, case["id"], amount="50000.00")
    assert response.status_code == 201
    assert response.get_json()["status"] == "active"
    assert response.get_json()["amount"] == "50000.00"
    assert balance(client, court, case["id"])["held"] == "50000.00"
    assert balance(client, court, case["id"])["available"] == "0.00"


def test_a_partial_release_makes_the_released_part_available(client, court, funded_case):
    case = funded_case(50_000_00)
    hold = place(client, court, case["id"]).get_json()
    response = release(client, court, hold["id"], amount="10000.00")
    assert response.status_code == 200
    assert response.get_json()["status"] == "active"
    assert response.get_json()["held"] == "20000.00"
    assert balance(client, court, case["id"])["available"] == "30000.00"


def test_a_release_without_an_amount_releases_the_rest(client, court, funded_case):
    case = funded_case(50_000_00)
    hold = place(client, court, case["id"]).get_json()
    release(client, court, hold["id"], amount="10000.00")
    response = release(client, court, hold["id"])
    assert response.get_json()["status"] == "released"
    assert balance(client, court, case["id"])["available"] == "50000.00"
    again = release(client, court, hold["id"])
    assert again.status_code == 409
    assert again.get_json()["code"] == "illegal_transition"


def test_the_undisputed_part_is_paid_while_the_hold_stays(client, court, funded_case):
    case = funded_case(50_000_00)
    place(client, court, case["id"])
    too_much = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "20000.01", "payee_account_number": PAYEE, "note": "无争议部分"},
        headers=court.headers("enforcement"),
    )
    assert too_much.status_code == 422
    assert too_much.get_json()["code"] == "insufficient_available"
    undisputed = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "20000.00", "payee_account_number": PAYEE, "note": "无争议部分"},
        headers=court.headers("enforcement"),
    )
    assert undisputed.status_code == 201
    assert balance(client, court, case["id"]) == {
        "received": "50000.00",
        "held": "30000.00",
        "pending": "20000.00",
        "approved_unpaid": "0.00",
        "paid": "0.00",
        "available": "0.00",
        "fees_paid": "0.00",
    }


def test_held_money_is_never_paid_even_by_a_request_made_before_the_hold(
    client, court, funded_case, people
):
    case = funded_case(50_000_00)
    request = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "50000.00", "payee_account_number": PAYEE, "note": "全部"},
        headers=court.headers("enforcement"),
    ).get_json()
    place(client, court, case["id"], amount="10000.00")
    refused = client.post(
        f"/api/v1/disbursements/{request['id']}/approve", json={}, headers=court.headers("approver")
    )
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "insufficient_available"
    assert balance(client, court, case["id"])["approved_unpaid"] == "0.00"


def test_placing_and_releasing_a_hold_are_case_events(client, court, funded_case, engine):
    case = funded_case(50_000_00)
    hold = place(client, court, case["id"]).get_json()
    release(client, court, hold["id"])
    with engine.connect() as conn:
        events = conn.execute(
            select(case_events.c.event).where(case_events.c.case_id == case["id"])
        ).scalars()
        assert list(events) == ["hold_placed", "hold_released"]


def test_a_case_lists_its_holds(client, court, funded_case):
    case = funded_case(1_00)
    first = place(client, court, case["id"]).get_json()
    second = place(client, court, case["id"], amount="1.00").get_json()
    listed = client.get(f"/api/v1/cases/{case['id']}/holds", headers=court.headers("desk"))
    assert [h["id"] for h in listed.get_json()["items"]] == [first["id"], second["id"]]


def test_finance_may_not_place_a_hold_and_another_court_sees_none(
    client, court, other_court, funded_case
):
    case = funded_case(1_00)
    forbidden = client.post(
        f"/api/v1/cases/{case['id']}/holds", json=HOLD, headers=court.headers("finance")
    )
    assert forbidden.status_code == 403
    hold = place(client, court, case["id"]).get_json()
    assert (
        client.get(f"/api/v1/holds/{hold['id']}", headers=other_court.headers("desk")).status_code
        == 404
    )
    assert release(client, other_court, hold["id"]).status_code == 404


def test_a_hold_needs_the_document_that_orders_it(client, court, funded_case):
    case = funded_case(1_00)
    response = place(client, court, case["id"], document_reference="")
    assert response.status_code == 422
