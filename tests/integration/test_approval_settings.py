"""Approval tiers come from the app's settings, for every kind of request.

The app here is created with tiers that differ from config/settings.toml (which asks
one level up to 100,000.00 yuan): any amount needs two levels. A request that read the
file, or the environment, instead of the app's settings would need one.
"""

import pytest

from tests.integration import payments
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people
funded_case = payments.funded_case


@pytest.fixture
def settings(settings) -> dict:
    """The test settings, with two approval levels for any amount."""
    return {**settings, "approvals": {**settings["approvals"], "tiers": [{"levels": 2}]}}


def test_the_configuration_file_asks_one_level_for_a_small_amount(settings):
    from reconcile.approvals import levels_for
    from reconcile.settings import load_settings

    assert levels_for(50_00, load_settings(environ={})["approvals"]["tiers"]) == 1


def test_a_refund_request_needs_the_levels_of_the_apps_tiers(client, court):
    statement = csv_statement([Row("2026-11-03", "50.00", "丁", "6222000000000004", "货款")])
    assert upload(client, court, statement).status_code == 201
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    response = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "非本院案款，退回付款人"},
        headers=court.headers("finance"),
    )
    assert response.status_code == 200
    refund = client.get(
        f"/api/v1/disbursements/{response.get_json()['refund_disbursement_id']}",
        headers=court.headers("finance"),
    ).get_json()
    assert (refund["amount"], refund["levels_required"]) == ("50.00", 2)
    once = client.post(
        f"/api/v1/disbursements/{refund['id']}/approve", json={}, headers=court.headers("approver")
    ).get_json()
    assert (once["status"], once["approvals_count"]) == ("requested", 1)


def test_a_payment_request_needs_the_levels_of_the_apps_tiers(client, court, funded_case):
    case = funded_case(50_000_00)
    response = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "50.00", "payee_account_number": PAYEE},
        headers=court.headers("enforcement"),
    )
    assert response.get_json()["levels_required"] == 2
