"""The reads beside the lists seek the few payments they need, not every payment (#16).

With 100,000 payments in the books, the reconciliation's payments not yet on a
statement and the refunds beside 不明款 went through every payment of a status or every
payment in id order (90, 84 and 66 ms on PostgreSQL). As tests/integration/
test_query_plans.py does: the SELECTs a request sends are recorded and explained, with
sequential scans priced out on PostgreSQL so that the plan shows the index that could
serve. Sorts are not priced out: sorting the few refunds is the plan wanted, where
reading every payment in id order to skip the sort is not.
"""

from __future__ import annotations

import pytest

from tests.integration.staff_pages import sign_in, staff  # noqa: F401 (fixture)
from tests.integration.test_query_plans import book, plans, recorded

__all__ = ["book", "recorded"]


def _of_disbursements(recorded, *words: str) -> list[tuple[str, object]]:
    return [
        (sql, p)
        for sql, p in recorded
        if "FROM disbursements" in sql and all(w in sql or w in str(p) for w in words)
    ]


def test_the_payments_not_yet_on_a_statement_are_a_range_of_the_account(
    client, court, book, engine, recorded
):
    query = {"account": court.account, "date": "2026-11-04"}
    response = client.get(
        "/api/v1/reports/reconciliation", query_string=query, headers=court.headers("finance")
    )
    assert response.status_code == 200, response.get_json()
    unconfirmed = _of_disbursements(recorded, "marked_paid")
    assert len(unconfirmed) == 2, "the first ten and the count and sum of them all"
    found = plans(engine, unconfirmed, sorting_priced_out=False)
    assert all("ix_disbursements_account_status" in plan for plan in found), found


def test_the_refunds_beside_the_orphans_are_read_by_kind_and_by_line(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
):
    if engine.dialect.name == "postgresql":
        # Its costs tie on the test's empty tables (it may take the court's index with the
        # kind as a filter); with a book's statistics it reads ix_disbursements_refunds
        # (bench/scale_bench.py's 不明款 figure). SQLite's choice here is its rules'.
        pytest.skip("PostgreSQL chooses by the statistics of a book, not of empty tables")
    sign_in(client, staff("finance"))
    recorded.clear()
    assert client.get("/orphans").status_code == 200
    refunds = _of_disbursements(recorded, "refund")
    assert refunds, "the page read no refund"
    found = plans(engine, refunds, sorting_priced_out=False)
    indexes = ("ix_disbursements_refunds", "ix_disbursements_refund_of")
    assert all(any(i in plan for i in indexes) for plan in found), found


def test_a_cases_payments_are_found_by_the_case(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
):
    # the court's index in id order read every payment of the court for the case's few
    # (94 ms on SQLite at 1,000,000 payments)
    sign_in(client, staff("finance"))
    recorded.clear()
    assert client.get(f"/cases/{book[0]['id']}").status_code == 200
    of_case = [
        (sql, p)
        for sql, p in _of_disbursements(recorded, "disbursements.case_id = ")
        if "LIMIT" in sql and "JOIN courts" in sql
    ]
    assert of_case, "the case's payments were not read"
    found = plans(engine, of_case, sorting_priced_out=False)
    assert all("ix_disbursements_case_id" in plan for plan in found), found
