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


def sorts(engine, statements) -> list[str]:
    """The statements whose plan sorts rows (sorting priced out on PostgreSQL, so that the
    plan shows whether an index could give the order)."""
    found = []
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_sort = off")
        for sql, parameters in statements:
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = conn.exec_driver_sql(prefix + sql, parameters).all()
            details = [row[0] if postgres else row[-1] for row in plan]
            pattern = PG_SORT if postgres else SQLITE_SORT
            if any(pattern.search(d) for d in details):
                found.append(sql + "\n  " + "\n  ".join(details))
        conn.rollback()
    return found


def test_the_alerts_list_reads_a_range_not_a_sort(client, court, book, engine, recorded):
    # An index of (court, status, id) serves the filter but not the order: every alert of
    # the court would be read and sorted to show a page of them.
    response = client.get("/api/v1/alerts", headers=court.headers("desk"))
    assert response.status_code == 200, response.get_json()
    pages = [(sql, p) for sql, p in recorded if "FROM alerts" in sql and "ORDER BY" in sql]
    assert pages, "the alerts page query was not recorded"
    assert sorts(engine, pages) == []


@pytest.mark.parametrize(
    "query", [{}, {"after": "2026-11-02.1", "shown": "50"}, {"from": "2026-11-01"}]
)
def test_the_orphan_queue_reads_a_range_not_a_sort(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
    query,
):
    # By (account, status) alone, the first page of 不明款 sorted every orphan of the
    # account by booking day; ix_statement_lines_status_booked gives them in that order.
    sign_in(client, staff("finance"))
    recorded.clear()
    assert client.get("/orphans", query_string=query).status_code == 200
    pages = [
        (sql, p)
        for sql, p in recorded
        if "FROM statement_lines" in sql and "ORDER BY statement_lines.booked_on" in sql
    ]
    assert pages, "the orphan page query was not recorded"
    assert sorts(engine, pages) == []


def test_the_import_history_reads_no_line(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
):
    # The page showed each import's credits and debits summed from its lines: a million
    # lines read for a page of ten imports of 100,000. The import keeps the sums.
    sign_in(client, staff("finance"))
    recorded.clear()
    page = client.get("/statements")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # 2 cases × (200 + 300 + 400) yuan and the orphan's 55: the credits; the debit's 20
    assert re.search(r'data-testid="row-credits">(<[^>]+>)*1,855\.00<', text)
    assert "20.00" in text
    assert recorded
    assert [sql for sql, _ in recorded if "statement_lines" in sql] == []
    with engine.connect() as conn:  # kept as the lines are, by direction
        kept = conn.exec_driver_sql(
            "SELECT credit_lines, credits, debit_lines, debits FROM statement_imports"
        ).one()
        summed = conn.exec_driver_sql(
            "SELECT sum(CASE WHEN direction = 'credit' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN direction = 'credit' THEN amount ELSE 0 END),"
            " sum(CASE WHEN direction = 'debit' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN direction = 'debit' THEN amount ELSE 0 END) FROM statement_lines"
        ).one()
    assert tuple(kept) == tuple(summed) == (7, 185500, 1, 2000)


def test_the_deadline_scan_scans_no_growing_table(engine, settings, book, recorded):
    # The watch read every orphan by status alone: every line ever imported, twice a scan.
    from datetime import date

    from reconcile.services.deadlines import scan_deadlines

    scan_deadlines(engine, settings, date(2026, 12, 20))
    assert recorded
    assert full_scans(engine, recorded) == []


def test_the_case_page_finds_the_cases_credits_by_id(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
):
    # With the account's index (account, status), the case page's credits read every
    # matched credit of the account to keep the case's: 465 ms at a million lines.
    sign_in(client, staff("finance"))
    recorded.clear()
    assert client.get(f"/cases/{book[0]['id']}").status_code == 200
    assert recorded
    assert full_scans(engine, recorded) == []
    assert by_index(engine, recorded, "ix_statement_lines_status") == []
    # nor its alerts by walking every alert of the court in id order (1,000 ms at 1M)
    assert by_index(engine, recorded, "ix_alerts_court_id") == []


def by_index(engine, statements, prefix: str) -> list[str]:
    """The statements whose plan reads an index whose name starts with `prefix`."""
    found = []
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for sql, parameters in statements:
            prefix_ = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = conn.exec_driver_sql(prefix_ + sql, parameters).all()
            details = [row[0] if postgres else row[-1] for row in plan]
            if any(f" {prefix}" in d for d in details):
                found.append(sql + "\n  " + "\n  ".join(details))
        conn.rollback()
    return found


@pytest.mark.parametrize("query", [{}, {"after": "1.5", "shown": "50"}, {"severity": "warning"}])
def test_the_alerts_page_reads_a_range_per_severity_not_a_sort(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
    query,
):
    # Most severe first was an ORDER BY over a CASE of the severity: both databases read
    # every open alert of the court and sorted them for a page of fifty (240 ms on SQLite,
    # 365 ms on PostgreSQL at 250,000 alerts). ix_alerts_court_status_severity gives each
    # severity's alerts in id order; the page reads them one severity after another.
    sign_in(client, staff("finance"))
    recorded.clear()
    assert client.get("/alerts", query_string=query).status_code == 200
    pages = [(sql, p) for sql, p in recorded if "FROM alerts" in sql and "ORDER BY" in sql]
    assert pages, "the alerts page query was not recorded"
    assert all("CASE" not in sql for sql, _ in pages)
    assert sorts(engine, pages) == []


def test_the_alerts_page_runs_on_from_one_severity_to_the_next(
    client,
    uow,
    court,
    staff,  # noqa: F811
):
    # A page that ends on the last critical alert: the next starts at the first warning.
    from tests.integration.alerting import raise_many

    warnings = raise_many(uow, court.code, 5)
    critical = raise_many(uow, court.code, 50, kind="unmatched_debit", facts={})
    sign_in(client, staff("desk"))
    page = client.get("/alerts").get_data(as_text=True)
    first = [int(i) for i in re.findall(r'id="alert-(\d+)"', page)]
    nxt = re.search(r'href="/alerts\?([^"]*after=[^"]+)" data-testid="next-page"', page)
    assert first == critical and nxt, "the first page holds the critical alerts, then a link"
    second = client.get("/alerts?" + nxt.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert [int(i) for i in re.findall(r'id="alert-(\d+)"', second)] == warnings


def plans(engine, statements, *, sorting_priced_out: bool = True) -> list[str]:
    """Each statement's plan, one line (sequential scans and, unless told, sorts priced
    out on PostgreSQL, so that the plan shows the index that could serve)."""
    found = []
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
            if sorting_priced_out:
                conn.exec_driver_sql("SET enable_sort = off")
        for sql, parameters in statements:
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = conn.exec_driver_sql(prefix + sql, parameters).all()
            found.append(" | ".join(str(row[0] if postgres else row[-1]) for row in plan))
        conn.rollback()
    return found


#: the page, and the index (by the start of its name) that gives its rows in order
PAYMENT_LISTS = [
    # a status tab: the court's payments in id order (those of the status, or all of the
    # court's, filtered: the planner's choice by the counts; or, of a book of one court,
    # the status's in id order, ix_disbursements_status_id of 0038), not every one
    # sorted, nor every court's by the primary key
    ("/payments", {"status": "paid"}, "finance", "ix_disbursements_"),
    ("/payments", {"status": "paid", "after": "7"}, "finance", "ix_disbursements_"),
    ("/payments", {}, "finance", "ix_disbursements_court_"),
    # the largest first (the oldest first within one amount), and the page after one
    ("/payments", {"sort": "largest"}, "finance", "ix_disbursements_court_amount"),
    (
        "/payments",
        {"sort": "largest", "after": "50.00.3"},
        "finance",
        "ix_disbursements_court_amount",
    ),
    ("/approvals", {}, "approver", "ix_disbursements_"),
]


@pytest.mark.parametrize(("path", "query", "role", "index"), PAYMENT_LISTS)
def test_a_payment_list_reads_a_range_of_its_index_not_a_sort(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
    path,
    query,
    role,
    index,
):
    # With 100,000 payments, 付款记录's status tab sorted the 80,000 paid by id for a page
    # of 50 (249–348 ms) and sort=largest every payment of the court by amount (314–370
    # ms); the indexes of 0035 give the page in its order.
    sign_in(client, staff(role))
    recorded.clear()
    assert client.get(path, query_string=query).status_code == 200
    pages = [
        (sql, p)
        for sql, p in recorded
        if "FROM disbursements" in sql and "ORDER BY disbursements." in sql
    ]
    assert pages, "the page query was not recorded"
    assert sorts(engine, pages) == []
    assert all(index in plan for plan in plans(engine, pages)), plans(engine, pages)


# of court, status and kind alone they are the kept counts (tests/integration/
# test_count_query_plans.py)
@pytest.mark.parametrize("query", [{"kind": "payment", "from": "2026-01-01", "min": "0.01"}])
def test_the_payment_totals_and_counts_read_the_status_index(
    client,
    staff,  # noqa: F811
    book,
    engine,
    recorded,
    query,
):
    # The 合计 and the tab counts of 付款记录: from an index of the court's payments alone
    # (SQLite: a covering index; ix_disbursements_court_status holds every column they
    # filter by), whatever the filters: an amount range once took a range of
    # ix_disbursements_court_amount on SQLite and read every payment it names (200 ms at
    # 100,000).
    sign_in(client, staff("finance"))
    recorded.clear()
    assert client.get("/payments", query_string=query).status_code == 200
    sums = [(sql, p) for sql, p in recorded if "FROM disbursements" in sql and "count(" in sql]
    assert len(sums) == 2, "the 合计 and the tab counts were not recorded"
    found = plans(engine, sums)
    read = "ix_disbursements_court_" if engine.dialect.name == "postgresql" else "COVERING INDEX"
    assert all(read in plan and "ix_disbursements_court_" in plan for plan in found), found
