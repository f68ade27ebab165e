"""Issue #14 through the API: zero lines skipped, balance breaks imported and alerted,
the account resolved when the file names none or a masked one, unknown layouts explained."""

import io

import pytest
from sqlalchemy import select

from reconcile.db.tables_statements import statement_imports
from tests.integration.statement_files import camt_statement, upload

HEADER = "交易时间,借方发生额（支取）,贷方发生额（收入）,余额,对方户名,对方账号,摘要,交易流水号\n"


def export(rows: list[str], account_row: str | None = None) -> bytes:
    top = f"{account_row}\n" if account_row else ""
    return (top + HEADER + "".join(f"{row}\n" for row in rows)).encode("gb18030")


GOOD = [
    "2026-11-02 09:00:00,,1000.00,1000.00,张伟,6222020200112233445,执行款,T1",
    "2026-11-02 10:00:00,0.00,,1000.00,,,利息税,T2",
    "2026-11-03 11:00:00,200.00,,800.00,某某公司,123456,转出,T3",
]


def post(client, court, data: bytes, account: str | None = None, name: str = "s.csv"):
    form = {"file": (io.BytesIO(data), name)}
    if account:
        form["account"] = account
    return client.post(
        "/api/v1/statements",
        data=form,
        content_type="multipart/form-data",
        headers=court.headers("finance"),
    )


def stored_report(engine, statement_id: int) -> dict:
    """The whole report as the import stored it (the API shows the fields its schema names;
    the new ones reach the API once api/statements.py's ReportSchema lists them)."""
    with engine.connect() as conn:
        query = select(statement_imports.c.report).where(statement_imports.c.id == statement_id)
        return conn.execute(query).scalar_one()


def alerts(client, court, kind: str) -> list[dict]:
    return client.get(
        "/api/v1/alerts", query_string={"kind": kind}, headers=court.headers("desk")
    ).get_json()["items"]


def test_a_line_of_zero_is_skipped_and_reported_not_refused(client, court, engine):
    response = upload(client, court, export(GOOD))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["lines_total"] == 2
    assert report["balance_check"] == "ok"
    again = stored_report(engine, report["id"])
    assert again["lines_skipped"] == 1
    assert again["skipped"] == [{"line": 3, "reason": "a line of 0.00 moves no money"}]


def test_a_running_balance_break_imports_reports_mismatch_and_raises_a_warning(
    client, court, engine
):
    rows = [*GOOD[:1], "2026-11-03 11:00:00,200.00,,850.00,某某公司,123456,转出,T3"]
    response = upload(client, court, export(rows))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["balance_check"] == "mismatch"
    breaks = stored_report(engine, report["id"])["balance_breaks"]
    assert [(b["line"], b["expected"], b["found"]) for b in breaks] == [
        (3, "800.00", "850.00"),
        (None, "800.00", "850.00"),  # opening 0.00 + Σ 800.00 against closing 850.00
    ]
    (alert,) = alerts(client, court, "statement_balance_break")
    assert alert["severity"] == "warning"
    assert "line 3: expected 800.00, found 850.00" in alert["detail"]


def test_a_camt_closing_mismatch_follows_the_same_rule(client, court):
    entries = [("2026-11-02", "100.00", "货款")]
    data = camt_statement(court.account, entries, opening="1000.00", closing="1200.00")
    report = upload(client, court, data, name="s.xml").get_json()
    assert report["balance_check"] == "mismatch"
    assert [a["severity"] for a in alerts(client, court, "statement_balance_break")] == ["warning"]


def test_a_file_naming_no_account_takes_the_courts_only_account(client, court, engine):
    response = post(client, court, export(GOOD))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["account"] == court.account
    choice = stored_report(engine, report["id"])["account_choice"]
    assert choice["account"] == court.account
    assert choice["how"] == "only_account"


def test_a_masked_account_is_matched_by_its_visible_digits(client, court):
    masked = court.account[:4] + "****" + court.account[-4:]
    response = post(client, court, export(GOOD, f"账号:{masked}"))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["account"] == court.account


def test_a_masked_account_fitting_none_is_refused_naming_both(client, court):
    masked = "9999****0000"
    response = post(client, court, export(GOOD, f"账号:{masked}"))
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "account_mismatch"
    assert masked in problem["detail"] and court.account in problem["detail"]


def test_an_unknown_layout_is_refused_with_the_rows_and_a_guess(client, court):
    data = b"12345;02.07.2013;-5,99;Some vendor\n12345;21.06.2013;+30,99;Another\n"
    response = upload(client, court, data)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "unknown_layout"
    assert "layout is unknown" in problem["detail"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_the_ccb_corporate_export_imports(client, court, encoding):
    rows = [
        '2026-11-02 09:00:00,,"50,000.00","1,050,000.00",张伟,6222020200112233445,执行款,A1',
        '2026-11-02 10:00:00,0.00,,"1,050,000.00",,,利息税,A2',
        '2026-11-03 14:05:00,"12,000.00",,"1,038,000.00",李四,6217000010001234567,发放,A3',
        '合计,"12,000.00","50,000.00",,,,,',
    ]
    text = f"账号:,{court.account},,,,,,\n账户名称:,某某法院,,,,,,\n" + HEADER + "\n".join(rows)
    response = post(client, court, text.encode(encoding))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert (report["account"], report["lines_total"], report["balance_check"]) == (
        court.account,
        2,
        "ok",
    )
