"""The reconciliation and the main lists read through indexes, never a whole table.

Each request below runs against a small book while every SELECT it sends is recorded;
each is then explained (EXPLAIN QUERY PLAN on SQLite; EXPLAIN with sequential scans
priced out on PostgreSQL, so that the plan shows whether an index could serve) and
none may scan statement_lines or ledger_entries from end to end: those two grow with
every line ever imported.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from tests.integration.staff_pages import sign_in, staff  # noqa: F401 (fixture)
from tests.integration.statement_files import Row, csv_statement, upload

GROWING = ("statement_lines", "ledger_entries")
SQLITE_FULL_SCAN = re.compile(rf"^SCAN ({'|'.join(GROWING)})\b")
PG_FULL_SCAN = re.compile(rf"Seq Scan on ({'|'.join(GROWING)})\b")


@pytest.fixture
def book(client, court, register_case):
    """Two cases, matched credits, orphans, a flagged debit, over three days."""
    cases = [register_case() for _ in range(2)]
    rows = [
        Row(
            f"2026-11-0{day}",
            f"{100 * day}.00",
            "甲",
            "6222000000000001",
            "",
            c["sub_account_number"],
            f"C{day}{i}",
        )
        for day in (2, 3, 4)
        for i, c in enumerate(cases)
    ]
    rows += [
        Row("2026-11-03", "55.00", "不明", "6222000000000009", "货款", "", "O1"),
        Row("2026-11-04", "-20.00", "某公司", "6222777700000000", "", "", "D1"),
    ]
    response = upload(client, court, csv_statement(rows))
    assert response.status_code == 201, response.get_json()
    return cases


@pytest.fixture
def recorded(engine):
    """The SELECTs sent while the block runs: (sql, parameters)."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def full_scans(engine, statements) -> list[str]:
    found = []
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for sql, parameters in statements:
            if GROWING[0] not in sql and GROWING[1] not in sql:
                continue
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = conn.exec_driver_sql(prefix + sql, parameters).all()
            details = [row[0] if postgres else row[-1] for row in plan]
            pattern = PG_FULL_SCAN if postgres else SQLITE_FULL_SCAN
            if any(pattern.search(d) for d in details):
                found.append(sql + "\n  " + "\n  ".join(details))
        conn.rollback()
    return found


API_READS = [
    ("/api/v1/reports/reconciliation", {"date": "2026-11-04"}, "finance"),
    ("/api/v1/reports/reconciliation", {"date": "2026-11-01"}, "finance"),
    ("/api/v1/transactions", {"status": "orphan"}, "finance"),
    ("/api/v1/alerts", {}, "desk"),
    ("/api/v1/statements", {}, "finance"),
    ("/api/v1/disbursements", {}, "finance"),
]


@pytest.mark.parametrize(("path", "query", "role"), API_READS)
def test_an_api_read_scans_no_growing_table(
    client, court, book, engine, recorded, path, query, role
):
    if "reconciliation" in path:
        query = {**query, "account": court.account}
    response = client.get(path, query_string=query, headers=court.headers(role))
    assert response.status_code == 200, response.get_json()
    assert recorded, "nothing was recorded"
    assert full_scans(engine, recorded) == []


def test_the_case_ledger_scans_no_growing_table(client, court, book, engine, recorded):
    response = client.get(f"/api/v1/cases/{book[0]['id']}/ledger", headers=court.headers("finance"))
    assert response.status_code == 200, response.get_json()
    assert full_scans(engine, recorded) == []


STAFF_PAGES = [
    ("/reports/reconciliation", {"date": "2026-11-04"}, "finance"),
    ("/reports/reconciliation.csv", {"date": "2026-11-04"}, "finance"),
    ("/orphans", {}, "finance"),
    ("/orphans", {}, "admin"),
    (
        "/orphans",
        {"from": "2026-11-01", "to": "2026-11-30", "min": "10.00", "max": "1,000.00"},
        "finance",
    ),
    ("/orphans", {"after": "2026-11-02.1", "shown": "50"}, "finance"),
    ("/orphans", {"format": "xlsx", "min": "1.00"}, "finance"),
    ("/alerts", {}, "desk"),
    ("/statements", {}, "finance"),
    ("/approvals", {}, "approver"),
]


@pytest.mark.parametrize(("path", "query", "role"), STAFF_PAGES)
def test_a_staff_page_scans_no_growing_table(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
    path,
    query,
    role,
):
    sign_in(client, staff(role))
    recorded.clear()
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    assert recorded
    assert full_scans(engine, recorded) == []


def test_the_daily_run_scans_no_growing_table(engine, settings, book, recorded):
    from datetime import date

    from reconcile.services.reconciliation import run_daily_reconciliation

    run_daily_reconciliation(engine, settings, as_of=date(2026, 11, 5))
    assert recorded
    assert full_scans(engine, recorded) == []


def test_the_check_sees_a_full_scan(engine, book):
    """The test's own check: a query no index serves is caught."""
    scans = full_scans(engine, [("SELECT count(*) FROM statement_lines WHERE remark = '货款'", ())])
    assert len(scans) == 1


SQLITE_SORT = re.compile(r"USE TEMP B-TREE FOR ORDER BY")
PG_SORT = re.compile(r"^\s*(->\s*)?(Incremental )?Sort\b")


def test_the_alerts_list_reads_a_range_not_a_sort(client, court, book, engine, recorded):
    # An index of (court, status, id) serves the filter but not the order: every alert of
    # the court would be read and sorted to show a page of them.
    response = client.get("/api/v1/alerts", headers=court.headers("desk"))
    assert response.status_code == 200, response.get_json()
    pages = [(sql, p) for sql, p in recorded if "FROM alerts" in sql and "ORDER BY" in sql]
    assert pages, "the alerts page query was not recorded"
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_sort = off")
        for sql, parameters in pages:
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = conn.exec_driver_sql(prefix + sql, parameters).all()
            details = [row[0] if postgres else row[-1] for row in plan]
            pattern = PG_SORT if postgres else SQLITE_SORT
            assert not any(pattern.search(d) for d in details), sql + "\n" + "\n".join(details)
        conn.rollback()
