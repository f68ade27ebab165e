"""Every amount and every total is bounded far below BIGINT, and refused beyond it.

Unbounded, 93 holds of a huge amount overflowed 2^63 fen: PostgreSQL answered 500, SQLite
turned the balance into a float and `ledger verify` crashed.
"""

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from reconcile.db import ledger_store
from reconcile.db.tables import ledger_accounts
from reconcile.db.uow import UnitOfWork
from reconcile.ledger import EntryKind, Posting
from reconcile.money import MAX_AMOUNT_FEN, MAX_TOTAL_FEN
from tests.integration.statement_files import Row, csv_statement, upload

HOLD = {"reason": "执行异议", "document_reference": "（2026）京0105执异1号"}


def place_hold(client, court, case_id, amount: str):
    return client.post(
        f"/api/v1/cases/{case_id}/holds",
        json={"amount": amount, **HOLD},
        headers=court.headers("enforcement"),
    )


@pytest.mark.parametrize("amount", ["1000000000000.01", "99999999999999999999.00", "1.00\n"])
def test_an_amount_beyond_the_largest_or_not_exactly_an_amount_is_422(
    client, court, register_case, amount
):
    case = register_case()
    response = place_hold(client, court, case["id"], amount)
    assert response.status_code == 422, response.get_json()


def test_a_total_that_would_pass_the_bound_is_refused_and_changes_nothing(
    client, court, register_case, engine
):
    case = register_case()
    with UnitOfWork(engine) as uow:
        ledger = ledger_store.case_ledger_id(uow.conn, case["id"])
        for _ in range(MAX_TOTAL_FEN // MAX_AMOUNT_FEN - 1):
            ledger_store.post(
                uow.conn,
                ledger,
                EntryKind.HOLD_PLACED,
                [Posting("held", MAX_AMOUNT_FEN)],
                enforce_available=False,
            )
        uow.commit()
    assert place_hold(client, court, case["id"], "1000000000000.00").status_code == 201
    refused = place_hold(client, court, case["id"], "0.01")
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "total_too_large"
    shown = client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("finance"))
    assert shown.get_json()["balance"]["held"] == "1000000000000000.00"
    with engine.connect() as conn:
        assert ledger_store.projection_breaks(conn) == []


def test_a_statement_line_beyond_the_largest_amount_names_its_line(client, court):
    rows = [
        Row("2026-11-02", "10.00", "甲", "6222000000000001", "货款", reference="1"),
        Row("2026-11-02", "1000000000000.01", "乙", "6222000000000002", "货款", reference="2"),
    ]
    response = upload(client, court, csv_statement(rows))
    assert response.status_code == 422
    body = response.get_json()
    assert (body["line"], body["field"]) == (3, "amount")


def test_the_database_itself_refuses_a_balance_beyond_the_bound(register_case, engine):
    case = register_case()
    la = ledger_accounts.c
    with engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(
            update(ledger_accounts).where(la.case_id == case["id"]).values(held=MAX_TOTAL_FEN + 1)
        )
