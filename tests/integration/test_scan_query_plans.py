"""The deadline scan and its watch read through indexes: the entries of a batch of cases
by ledger, with no statement line looked up (0039), and the orphans by the queue's index,
never statement_lines or ledger_entries from end to end (EXPLAIN, as test_query_plans)."""

from __future__ import annotations

from datetime import date

from reconcile.services.deadlines import scan_deadlines
from tests.integration.money import credit_case
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_query_plans import full_scans, recorded  # noqa: F401 (fixture)


def a_book(client, court, engine, register_case) -> None:
    cases = [register_case() for _ in range(3)]
    rows = [
        Row(f"2026-11-0{day}", "100.00", "甲", "6222000000000001", "", c["sub_account_number"])
        for day in (2, 3)
        for c in cases
    ]
    rows += [Row("2026-11-03", "55.00", "不明", "6222000000000009", "货款", "", "O1")]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    credit_case(engine, cases[0]["id"], 1_00, arrived_on=date(2026, 11, 4))  # no line


def test_the_scan_reads_entries_and_orphans_through_indexes(
    client,
    court,
    engine,
    settings,
    register_case,
    recorded,  # noqa: F811
):
    a_book(client, court, engine, register_case)
    recorded.clear()
    report = scan_deadlines(engine, settings, date(2026, 12, 8))
    assert report["notice_overdue"] == 3 and report["orphan_ageing"] == 1
    entries = [(sql, p) for sql, p in recorded if "FROM ledger_entries" in sql]
    orphans = [(sql, p) for sql, p in recorded if "FROM statement_lines" in sql]
    assert entries and orphans
    assert [sql for sql, _ in entries if "statement_lines" in sql] == []
    assert full_scans(engine, entries + orphans) == []
