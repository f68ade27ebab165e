"""The tab counts and the 合计 of 付款记录 read the kept counts, not the payments, and a
status tab of every court reads that status in id order (#20).

As tests/integration/test_query_plans.py does: the SELECTs a request sends are recorded
and explained (sequential scans and sorts priced out on PostgreSQL, so that the plan
shows the index that could serve).
"""

from __future__ import annotations

import pytest

from reconcile.db import disbursement_lists
from reconcile.db.uow import UnitOfWork
from reconcile.disbursement_lists import DisbursementFilters, DisbursementSort
from tests.integration.staff_pages import sign_in, staff  # noqa: F401 (fixture)
from tests.integration.test_query_plans import book, plans, recorded, sorts

__all__ = ["book", "recorded"]


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "paid"}, {"kind": "payment"}, {"status": "requested", "kind": "refund"}],
)
def test_the_tab_counts_and_the_total_of_a_court_read_the_kept_counts(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
    query,
):
    # Counted from the payments, each read every payment of the court: 100–230 ms each
    # at 1,000,000 payments. Of court, status and kind alone they are a few kept rows.
    sign_in(client, staff("finance"))
    recorded.clear()
    assert client.get("/payments", query_string=query).status_code == 200
    counted = [(sql, p) for sql, p in recorded if "FROM disbursements" in sql and "count(" in sql]
    assert counted == [], "the 合计 or the tab counts counted the payments"
    kept = [(sql, p) for sql, p in recorded if "FROM disbursement_counts" in sql]
    assert len(kept) == 2, "the 合计 and the tab counts were not read from the kept counts"
    found = plans(engine, kept)
    read = "pk_disbursement_counts" if engine.dialect.name == "postgresql" else "SEARCH"
    assert all(read in plan for plan in found), found


def test_the_total_of_other_filters_still_reads_an_index_of_the_court(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
):
    sign_in(client, staff("finance"))
    recorded.clear()
    query = {"from": "2026-01-01", "max": "900.00"}
    assert client.get("/payments", query_string=query).status_code == 200
    counted = [(sql, p) for sql, p in recorded if "FROM disbursements" in sql and "count(" in sql]
    assert len(counted) == 2, "the 合计 and the tab counts of a day and amount range"
    found = plans(engine, counted)
    assert all("ix_disbursements_court_" in plan for plan in found), found


@pytest.mark.parametrize("courts", ["every", "both"])
def test_a_status_tab_of_every_court_is_read_in_id_order(
    court,
    other_court,
    book,
    engine,
    recorded,
    courts,
):
    # No court to seek first (or several): SQLite read every paid payment by
    # ix_disbursements_status and sorted them by id for a page of 50 (1.8 s at 730,000
    # paid); ix_disbursements_status_id gives them in order.
    shown = None if courts == "every" else frozenset({court.code, other_court.code})
    for sort in (DisbursementSort.OLDEST, DisbursementSort.NEWEST):
        recorded.clear()
        with UnitOfWork(engine, read_only=True) as uow:
            chosen = DisbursementFilters(statuses=("paid",), courts=shown)
            disbursement_lists.list_page(uow.conn, chosen, sort=sort, after=(None, 7))
        pages = [(sql, p) for sql, p in recorded if "ORDER BY disbursements." in sql]
        assert len(pages) == 1
        assert sorts(engine, pages) == []
        if courts == "every":
            assert all("ix_disbursements_status_id" in plan for plan in plans(engine, pages))
