"""A preview (dry_run) parses and matches exactly as the import would, and stores nothing."""

import pytest
from sqlalchemy import func, select

from reconcile.db.tables import audit_records, ledger_entries
from reconcile.db.tables_alerts import alerts, deliveries
from reconcile.db.tables_statements import statement_imports, statement_lines
from tests.integration import payments
from tests.integration.money import credit_case
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people
TABLES = (statement_imports, statement_lines, ledger_entries, alerts, deliveries, audit_records)


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES
        }


@pytest.fixture
def case(register_case):
    return register_case()


def rows(case) -> list[Row]:
    return [
        Row(
            "2026-11-02", "800.00", "王五", "6222777700001111", "", case["sub_account_number"], "T1"
        ),
        Row("2026-11-02", "200.00", "某某公司", "123456", "货款", reference="T2"),
        Row("2026-11-03", "-50.00", "某人", "6222888877776666", "转账", reference="D1"),
    ]


def preview(client, court, data: bytes, *, via: str = "form"):
    if via == "query":
        return upload(client, court, data, query_string={"dry_run": "true"})
    return upload(client, court, data, extra_form={"dry_run": "true"})


@pytest.mark.parametrize("via", ["form", "query"])
def test_a_preview_reports_each_line_and_stores_nothing(client, court, case, engine, via):
    before = counts(engine)
    response = preview(client, court, csv_statement(rows(case)), via=via)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["dry_run"] is True and body["id"] is None
    assert (body["credits_matched"], body["orphans"], body["debits_flagged"]) == (1, 1, 1)
    outcomes = [
        (line["line_number"], line["outcome"], line["case_number"], line["reason"])
        for line in body["lines"]
    ]
    assert outcomes == [
        (2, "matched", case["case_number"], None),
        (3, "orphan", None, "unidentified"),
        (4, "flagged", None, "unauthorised"),
    ]
    assert body["lines"][0]["amount"] == "800.00" and body["lines"][0]["match_rule"]
    assert counts(engine) == before


def test_the_import_after_a_preview_matches_the_preview(client, court, case):
    data = csv_statement(rows(case))
    shown = preview(client, court, data).get_json()
    imported = upload(client, court, data)
    assert imported.status_code == 201
    report = imported.get_json()
    for key in ("lines_new", "credits_matched", "orphans", "debits_flagged", "balance_check"):
        assert shown[key] == report[key], key


def test_lines_stored_before_show_as_duplicates(client, court, case):
    first = rows(case)[:2]
    upload(client, court, csv_statement(first))
    later = [*first, Row("2026-11-04", "10.00", "甲", "6222000000000001", "货款", reference="T9")]
    body = preview(client, court, csv_statement(later, opening="1000.00")).get_json()
    assert [line["outcome"] for line in body["lines"]] == ["duplicate", "duplicate", "orphan"]
    assert body["lines_duplicate"] == 2


def test_a_preview_of_a_file_imported_before_says_so(client, court, case):
    data = csv_statement(rows(case))
    upload(client, court, data)
    body = preview(client, court, data).get_json()
    assert (body["duplicate"], body["dry_run"], body["lines"]) == (True, True, [])


def test_a_preview_of_a_debit_that_pays_an_approved_payment_shows_it_reconciled(
    client, court, case, engine, people
):
    credit_case(engine, case["id"], 1_000_00)
    payment = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "300.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    ).get_json()
    client.post(
        f"/api/v1/disbursements/{payment['id']}/approve", json={}, headers=people("approver", "甲")
    )
    debit = Row("2026-11-10", "-300.00", "北京华信商贸有限公司", PAYEE, "案款发放", "", "D1")
    body = preview(client, court, csv_statement([debit], opening="1000.00")).get_json()
    assert [line["outcome"] for line in body["lines"]] == ["reconciled"]
    shown = client.get(
        f"/api/v1/disbursements/{payment['id']}", headers=court.headers("finance")
    ).get_json()
    assert shown["status"] == "approved"  # the preview paid nothing


def test_a_preview_lists_at_most_the_configured_lines(client, court, case, settings):
    settings["imports"]["preview_lines"] = 2
    body = preview(client, court, csv_statement(rows(case))).get_json()
    assert (len(body["lines"]), body["lines_truncated"], body["lines_total"]) == (2, True, 3)
