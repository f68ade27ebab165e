"""Importing statements through the API: complete or nothing, once, matched on the way in."""

import gc
import io

import pytest
from sqlalchemy import func, select

from reconcile.db.tables import ledger_entries
from reconcile.db.tables_alerts import case_events, deliveries
from reconcile.db.tables_statements import statement_imports, statement_lines
from reconcile.services import imports
from tests.integration.statement_files import Row, camt_statement, csv_statement, upload


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def case(register_case):
    return register_case()


def credit_rows(case) -> list[Row]:
    return [
        Row("2026-11-02", "1000.00", "张伟", "6222020200112233445", "执行款", reference="T1"),
        Row(
            "2026-11-02",
            "500.00",
            "李四",
            "6222999900001111",
            f"还款 {case['case_number'].replace('（', '(').replace('）', ')')}",
            reference="T2",
        ),
        Row(
            "2026-11-03",
            "800.00",
            "王五",
            "6222777700001111",
            "",
            sub_account=case["sub_account_number"],
            reference="T3",
        ),
        Row("2026-11-03", "200.00", "某某公司", "123456", "货款", reference="T4"),
    ]


def test_an_import_reports_what_it_stored_and_matched(client, court, case):
    response = upload(client, court, csv_statement(credit_rows(case)))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["format"] == "csv"
    assert report["account"] == court.account
    assert report["period"] == {"start": "2026-11-02", "end": "2026-11-03"}
    assert (report["lines_total"], report["lines_new"], report["lines_duplicate"]) == (4, 4, 0)
    assert (report["credits_matched"], report["orphans"]) == (3, 1)
    assert report["balance_check"] == "ok"
    assert report["duplicate"] is False


def test_matched_credits_reach_the_case_balance_and_orphans_the_suspense_ledger(
    client, court, case
):
    upload(client, court, csv_statement(credit_rows(case)))
    balance = client.get(
        f"/api/v1/cases/{case['id']}", headers=court.headers("finance")
    ).get_json()["balance"]
    assert balance["received"] == "2300.00"
    assert balance["available"] == "2300.00"
    orphans = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    assert [(o["amount"], o["counterparty_name"]) for o in orphans] == [("200.00", "某某公司")]


def test_each_match_records_its_rule(client, court, case):
    upload(client, court, csv_statement(credit_rows(case)))
    items = client.get(
        "/api/v1/transactions",
        query_string={"case_id": case["id"]},
        headers=court.headers("finance"),
    ).get_json()["items"]
    assert [i["match_rule"] for i in items] == ["payer", "case_number", "sub_account"]
    ledger = client.get(
        f"/api/v1/cases/{case['id']}/ledger", headers=court.headers("finance")
    ).get_json()["items"]
    assert [(e["kind"], e["amount"]) for e in ledger] == [
        ("credit", "1000.00"),
        ("credit", "500.00"),
        ("credit", "800.00"),
    ]


def test_the_same_file_again_returns_the_first_report_and_stores_nothing(
    client, court, case, engine
):
    data = csv_statement(credit_rows(case))
    first = upload(client, court, data).get_json()
    lines, entries = count(engine, statement_lines), count(engine, ledger_entries)
    again = upload(client, court, data)
    assert again.status_code == 200
    assert again.get_json() == {**first, "duplicate": True}
    assert (count(engine, statement_lines), count(engine, ledger_entries)) == (lines, entries)


def test_an_overlapping_statement_stores_shared_lines_once(client, court, case, engine):
    rows = credit_rows(case)
    upload(client, court, csv_statement(rows[:3]))
    later = [
        *rows[1:],
        Row("2026-11-04", "50.00", "张伟", "6222020200112233445", "", reference="T5"),
    ]
    report = upload(client, court, csv_statement(later, opening="1500.00")).get_json()
    assert (report["lines_total"], report["lines_new"], report["lines_duplicate"]) == (4, 2, 2)
    assert count(engine, statement_lines) == 5
    balance = client.get(
        f"/api/v1/cases/{case['id']}", headers=court.headers("finance")
    ).get_json()["balance"]
    assert balance["received"] == "2350.00"


def test_a_reference_the_bank_reuses_on_another_day_is_a_new_line(client, court, case, engine):
    """凭证号/日志号 are per-day serials: day 2's refs 1 and 2 are other payments."""
    day1 = [
        Row("2026-11-02", "10.00", "甲", "6222000000000001", "货款", reference="1"),
        Row("2026-11-02", "20.00", "乙", "6222000000000002", "货款", reference="2"),
    ]
    day2 = [
        Row("2026-11-03", "30.00", "丙", "6222000000000003", "货款", reference="1"),
        Row("2026-11-03", "70.00", "丁", "6222000000000004", "货款", reference="2"),
    ]
    upload(client, court, csv_statement(day1))
    report = upload(client, court, csv_statement(day2, opening="30.00")).get_json()
    assert (report["lines_new"], report["lines_duplicate"], report["orphans"]) == (2, 0, 2)
    assert count(engine, statement_lines) == 4
    orphans = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    assert sorted(o["amount"] for o in orphans) == ["10.00", "20.00", "30.00", "70.00"]


def test_a_reference_repeated_with_another_amount_on_the_same_day_is_a_new_line(
    client, court, case, engine
):
    first = [Row("2026-11-02", "10.00", "甲", "6222000000000001", "货款", reference="8")]
    second = [Row("2026-11-02", "12.00", "乙", "6222000000000002", "货款", reference="8")]
    upload(client, court, csv_statement(first))
    report = upload(client, court, csv_statement(second, opening="10.00")).get_json()
    assert (report["lines_new"], report["lines_duplicate"]) == (1, 0)


def test_identical_twin_lines_in_one_file_are_two_payments(client, court, case, engine):
    twin = Row("2026-11-05", "500.00", "张伟", "6222020200112233445", "执行款")
    report = upload(client, court, csv_statement([twin, twin])).get_json()
    assert (report["lines_new"], report["credits_matched"]) == (2, 2)
    again = [twin, twin, Row("2026-11-06", "1.00", "张伟", "6222020200112233445", "")]
    report = upload(client, court, csv_statement(again, opening="1000.00")).get_json()
    assert (report["lines_new"], report["lines_duplicate"]) == (1, 2)
    balance = client.get(
        f"/api/v1/cases/{case['id']}", headers=court.headers("finance")
    ).get_json()["balance"]
    assert balance["received"] == "1001.00"


def _import(uow, admin, court, data: bytes, batch_size: int) -> dict:
    return imports.import_statement(
        uow(), admin, io.BytesIO(data), filename="s.csv", account=court.account,
        batch_size=batch_size,
    )  # fmt: skip


@pytest.mark.parametrize("batch_size", [1, 2, 5000])
def test_twins_and_repeats_are_numbered_in_file_order_across_batches(
    uow, admin, client, court, case, engine, batch_size
):
    twin = Row("2026-11-05", "500.00", "张伟", "6222020200112233445", "执行款")
    other = Row("2026-11-05", "7.00", "张伟", "6222020200112233445", "")
    first = _import(uow, admin, court, csv_statement([twin, other, twin]), batch_size)
    assert (first["lines_new"], first["lines_duplicate"]) == (3, 0)
    # the bank's next export repeats the two twins and adds a third and another twin pair
    again = [twin, twin, other, twin, other, Row("2026-11-06", "1.00", "张伟", "", "")]
    second = _import(uow, admin, court, csv_statement(again, opening="9.00"), batch_size)
    assert (second["lines_total"], second["lines_new"], second["lines_duplicate"]) == (6, 3, 3)
    with engine.connect() as conn:
        keys = conn.execute(
            select(statement_lines.c.statement_id, statement_lines.c.dedupe_key)
            .order_by(statement_lines.c.id)
        ).all()  # fmt: skip
    suffixes = sorted((statement, key.rsplit("#", 1)[1]) for statement, key in keys)
    assert suffixes == [
        (first["id"], "1"), (first["id"], "1"), (first["id"], "2"),
        (second["id"], "1"), (second["id"], "2"), (second["id"], "3"),
    ]  # fmt: skip
    balance = client.get(
        f"/api/v1/cases/{case['id']}", headers=court.headers("finance")
    ).get_json()["balance"]
    assert balance["received"] == "1514.00"  # the 1.00 from a name alone stays an orphan
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    assert (orphan["amount"], orphan["orphan_reason"]) == ("1.00", "payer_name_only")
    assert orphan["suggestions"][0]["case_id"] == case["id"]


def test_each_case_that_received_money_gets_one_event_queued_for_its_court(
    client, court, case, register_case, engine
):
    other = register_case()
    rows = [
        Row("2026-11-02", "1000.00", sub_account=case["sub_account_number"], reference="E1"),
        Row("2026-11-02", "0.05", sub_account=case["sub_account_number"], reference="E2"),
        Row("2026-11-03", "12.30", sub_account=other["sub_account_number"], reference="E3"),
        Row("2026-11-03", "9.00", "某某公司", "123456", "货款", reference="E4"),
    ]
    upload(client, court, csv_statement(rows))
    with engine.connect() as conn:
        events = conn.execute(
            select(case_events.c.id, case_events.c.court, case_events.c.case_id,
                   case_events.c.event, case_events.c.facts)
            .order_by(case_events.c.case_id)
        ).all()  # fmt: skip
        queued = conn.execute(
            select(deliveries.c.case_event_id, deliveries.c.court, deliveries.c.status)
            .where(deliveries.c.topic == "case_event")
        ).all()  # fmt: skip
    assert [(e.court, e.case_id, e.event, e.facts) for e in events] == [
        (court.code, case["id"], "money_received", {"amount": "1000.05", "payments": 2}),
        (court.code, other["id"], "money_received", {"amount": "12.30", "payments": 1}),
    ]
    assert sorted(queued) == sorted((e.id, court.code, "pending") for e in events)


def test_text_with_tabs_backslashes_and_copy_escapes_is_stored_as_written(client, court, engine):
    remark, name = "a\tb\\c \\N d", "张伟\\N"
    upload(client, court, csv_statement([Row("2026-11-02", "10.00", name, "", f'"{remark}"')]))
    with engine.connect() as conn:
        stored = conn.execute(
            select(statement_lines.c.remark, statement_lines.c.counterparty_name)
        ).one()  # fmt: skip
    assert tuple(stored) == (remark, name)


def test_a_file_with_a_bad_amount_in_line_5000_is_rejected_whole(client, court, case, engine):
    rows = [
        Row("2026-11-02", "1.00", "张伟", "6222020200112233445", f"第{i}笔") for i in range(5005)
    ]
    data = csv_statement(rows).splitlines(keepends=True)
    data[4999] = data[4999].replace(b",1.00,,", b",1.0O,,")  # line 5000 of the file
    response = upload(client, court, b"".join(data))
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "invalid_file"
    assert "5000" in problem["detail"]
    assert (count(engine, statement_lines), count(engine, statement_imports)) == (0, 0)
    assert count(engine, ledger_entries) == 0


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 64, "binary"),
        ("交易日期,收入金额\n2026-11-02,".encode(), "truncated"),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(client, court, data, why, engine):
    response = upload(client, court, data)
    assert response.status_code == 422, why
    assert response.get_json()["code"] == "invalid_file"
    assert count(engine, statement_imports) == 0


def test_a_statement_for_an_unknown_account_is_rejected(client, court, case, engine):
    response = upload(client, court, csv_statement(credit_rows(case)), account="999999")
    assert response.status_code == 422
    assert response.get_json()["code"] == "unknown_account"
    assert count(engine, statement_lines) == 0


def test_another_courts_account_is_unknown_to_this_court(client, court, other_court, case):
    response = upload(client, court, csv_statement(credit_rows(case)), account=other_court.account)
    assert response.get_json()["code"] == "unknown_account"


def test_only_finance_imports_statements(client, court, case):
    response = upload(client, court, csv_statement(credit_rows(case)), role="enforcement")
    assert response.status_code == 403


def test_a_statement_whose_balances_add_up_checks_ok(client, court, case):
    entries = [("2026-11-02", "100.00", "货款"), ("2026-11-03", "-40.00", "转出")]
    data = camt_statement(court.account, entries, opening="1000.00", closing="1060.00")
    report = upload(client, court, data, name="s.xml").get_json()
    assert (report["format"], report["balance_check"]) == ("camt053", "ok")


def test_a_statement_that_does_not_add_up_reports_a_mismatch_and_alerts(client, court, case):
    entries = [("2026-11-02", "100.00", "货款"), ("2026-11-03", "-40.00", "转出")]
    data = camt_statement(court.account, entries, opening="1000.00", closing="1100.00")
    report = upload(client, court, data, name="s.xml").get_json()
    assert report["balance_check"] == "mismatch"
    assert [(b["kind"], b["expected"], b["found"]) for b in report["balance_breaks"]] == [
        ("closing_balance", "1060.00", "1100.00")
    ]
    desk = court.headers("desk")
    found = {
        (a["kind"], a["severity"])
        for a in client.get("/api/v1/alerts", headers=desk).get_json()["items"]
    }
    assert ("statement_balance_break", "warning") in found
    assert not {kind for kind, _ in found} & {"balance_mismatch"}  # the daily reconciliation's


def test_a_gb18030_export_imports_like_its_utf8_twin(client, court, case):
    report = upload(client, court, csv_statement(credit_rows(case), encoding="gb18030")).get_json()
    assert (report["credits_matched"], report["orphans"]) == (3, 1)


def test_the_report_can_be_read_again(client, court, case):
    report = upload(client, court, csv_statement(credit_rows(case))).get_json()
    again = client.get(f"/api/v1/statements/{report['id']}", headers=court.headers("desk"))
    assert again.get_json() == report


# Werkzeug leaves the spooled temporary file of a form it stopped parsing at the limit to
# the garbage collector; collect it here so its warning belongs to this test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_file_over_the_upload_limit_is_413_and_stores_nothing(settings, engine, court, case):
    from api import create_app

    settings["imports"]["max_upload_mb"] = 1
    client = create_app({"settings": settings, "engine": engine}).test_client()
    rows = [Row("2026-11-02", "1.00", "张伟", "6222020200112233445", "x" * 200)] * 6000
    response = upload(client, court, csv_statement(rows))
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert count(engine, statement_imports) == 0
    del response
    gc.collect()
