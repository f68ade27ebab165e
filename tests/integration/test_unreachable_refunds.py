"""A refund only ever goes to an account a transfer can reach: never a masked one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reconcile.account_numbers import is_reachable_account
from reconcile.db.tables_payments import disbursements
from tests.integration.statement_files import Row, csv_statement, upload


@pytest.mark.parametrize(
    ("number", "reachable"),
    [
        ("6222020200112233445", True),
        ("6222 0202 0011 2233 445", True),
        ("1234****9876", False),
        ("6222 **** **** 1234", False),
        ("1234567", False),
        ("", False),
    ],
)
def test_which_accounts_a_transfer_can_reach(number, reachable):
    assert is_reachable_account(number) is reachable


def test_an_orphan_from_a_masked_account_is_not_refunded(client, court, engine):
    data = csv_statement([Row("2026-11-16", "880.00", "王芳", "1234****9876", "转账", "", "M1")])
    assert upload(client, court, data).status_code == 201
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][0]
    refused = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "退回付款人"},
        headers=court.headers("finance"),
    )
    assert refused.status_code == 422
    assert "masked or incomplete" in refused.get_json()["detail"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(disbursements)).scalar_one() == 0
    still = client.get(
        f"/api/v1/transactions/{orphan['id']}", headers=court.headers("finance")
    ).get_json()
    assert still["status"] == "orphan"
