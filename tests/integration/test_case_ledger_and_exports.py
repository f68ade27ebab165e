"""The case ledger in pages with running balances and totals; the case list page and export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

import api.web.cases as case_pages
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]


@pytest.fixture
def funded(client, court, register_case) -> dict:
    """A case with five credits from one statement and a hold; and a second, empty case."""
    case = register_case(respondents=[{"name": "张伟", "accounts": []}])
    rows = [
        Row(
            f"2026-11-0{day}",
            f"{day}00.00",
            "张伟",
            "6222000011112222",
            "还款",
            sub_account=case["sub_account_number"],
            reference=f"BR{day}",
        )
        for day in range(2, 7)
    ]
    report = upload(client, court, csv_statement(rows)).get_json()
    assert report["credits_matched"] == 5, report
    held = client.post(
        f"/api/v1/cases/{case['id']}/holds",
        json={"amount": "150.00", "reason": "执行异议", "document_reference": "（2026）异1号"},
        headers=court.headers("enforcement"),
    )
    assert held.status_code == 201
    other = register_case(respondents=[{"name": "李娜", "accounts": []}])
    return {"case": case, "other": other, "statement_id": report["id"]}


def _ledger_pages(client, court, case_id: int, limit: int) -> list[dict]:
    pages, cursor = [], None
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(
            f"/api/v1/cases/{case_id}/ledger", query_string=query, headers=court.headers("finance")
        )
        assert response.status_code == 200, response.get_json()
        pages.append(response.get_json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages


def test_the_ledger_pages_carry_the_banks_dates_payer_reference_and_running_balances(
    client, court, funded
):
    pages = _ledger_pages(client, court, funded["case"]["id"], limit=2)
    entries = [e for p in pages for e in p["items"]]
    assert len(entries) == 6  # five credits and the hold, none cut off
    assert [len(p["items"]) for p in pages[:3]] == [2, 2, 2]
    credits = [e for e in entries if e["kind"] == "credit"]
    assert [e["booked_on"] for e in credits] == [f"2026-11-0{d}" for d in range(2, 7)]
    assert [e["bank_reference"] for e in credits] == [f"BR{d}" for d in range(2, 7)]
    assert {e["counterparty_name"] for e in credits} == {"张伟"}
    assert {e["statement_id"] for e in credits} == {funded["statement_id"]}
    assert [e["bucket_balance"] for e in credits] == [
        "200.00",
        "500.00",
        "900.00",
        "1400.00",
        "2000.00",
    ]
    hold = entries[-1]
    assert (hold["kind"], hold["bucket_balance"], hold["available_after"]) == (
        "hold_placed",
        "150.00",
        "1850.00",
    )
    assert hold["booked_on"] is None and hold["statement_id"] is None
    case = client.get(f"/api/v1/cases/{funded['case']['id']}", headers=court.headers("finance"))
    assert case.get_json()["balance"] == {  # the totals per bucket
        "received": "2000.00",
        "held": "150.00",
        "pending": "0.00",
        "approved_unpaid": "0.00",
        "paid": "0.00",
        "available": "1850.00",
        "fees_paid": "0.00",
    }
    assert set(pages[0]) == {"items", "next_cursor"}


def test_the_case_page_shows_the_ledger_in_pages_with_a_more_link(
    client, staff, court, funded, monkeypatch
):
    monkeypatch.setattr(case_pages, "LEDGER_PAGE", 4)
    staff("finance")
    sign_in(client, "finance")
    first = client.get(f"/cases/{funded['case']['id']}").get_data(as_text=True)
    assert first.count('data-testid="ledger-entry"') == 4
    assert 'data-testid="ledger-more"' in first and "2026-11-02" in first
    assert f"/statements/{funded['statement_id']}" in first
    assert 'data-testid="ledger-total-available"><span class="money">1,850.00' in first
    more = first.split('data-testid="ledger-more"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('data-testid="ledger-entry"') == 2
    assert 'data-testid="ledger-more"' not in second and "1,850.00" in second


def test_the_case_list_page_searches_filters_totals_and_pages(
    client, staff, court, funded, register_case, monkeypatch
):
    staff("finance")
    sign_in(client, "finance")
    page = client.get("/cases", query_string={"q": "张伟"}).get_data(as_text=True)
    assert funded["case"]["case_number"] in page and funded["other"]["case_number"] not in page
    held = client.get("/cases", query_string={"held": "yes"}).get_data(as_text=True)
    assert held.count('data-testid="case-row"') == 1
    assert 'data-testid="total-available"><span class="money">1,850.00' in held
    for _ in range(3):
        register_case()
    monkeypatch.setattr(case_pages, "PAGE", 2)
    listed = client.get("/cases").get_data(as_text=True)
    assert listed.count('data-testid="case-row"') == 2 and "共 5 件" in listed
    assert 'data-testid="next-page"' in listed
    missing = client.get("/cases", query_string={"q": "没有这个人"})
    assert missing.status_code == 404 and "未找到" in missing.get_data(as_text=True)
    typo = funded["case"]["sub_account_number"]
    typo = typo[:5] + str((int(typo[5]) + 1) % 10) + typo[6:]
    offered = client.get("/cases", query_string={"q": typo}).get_data(as_text=True)
    assert 'data-testid="near-miss"' in offered and funded["case"]["case_number"] in offered
    assert "子账号与之仅差一位" in offered
    post_form(client, "/cases", "/language", language="en", next="/cases")
    english = client.get("/cases", query_string={"q": typo}).get_data(as_text=True)
    assert "These differ by one typing error" in english and "Export XLSX" not in english
    assert "Export XLSX" in client.get("/cases").get_data(as_text=True)


def test_the_xlsx_export_has_numbers_dates_a_frozen_header_and_the_pages_totals(
    client, staff, court, funded
):
    staff("finance")
    sign_in(client, "finance")
    query = {"q": "张伟", "format": "xlsx"}
    response = client.get("/cases", query_string=query)
    assert response.status_code == 200
    disposition = unquote(response.headers["Content-Disposition"])
    assert "案件列表_京0105_" in disposition and disposition.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 2  # the case and the 合计 row
    case_row, total_row = rows
    received = header.index("已收款")
    assert case_row[received].value == 2000 and case_row[received].number_format == "#,##0.00"
    filed = case_row[header.index("立案日期")]
    assert isinstance(filed.value, datetime | date) and filed.number_format == "yyyy-mm-dd"
    page = client.get("/cases", query_string={"q": "张伟"}).get_data(as_text=True)
    assert total_row[0].value == "合计"
    available = total_row[header.index("可发放")]
    assert available.value == 1850 and available.number_format == "#,##0.00"
    assert 'data-testid="total-available"><span class="money">1,850.00' in page


def test_the_csv_export_is_what_the_filters_show_and_guards_text_against_formulas(
    client, staff, court, register_case, funded
):
    register_case(respondents=[{"name": "=HYPERLINK(1)", "accounts": []}])
    staff("finance")
    sign_in(client, "finance")
    text = client.get("/cases", query_string={"format": "csv"}).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3 + 1  # header, three cases, 合计
    assert any(cell == "'=HYPERLINK(1)" for row in rows for cell in row)
    held = client.get("/cases", query_string={"format": "csv", "held": "yes"}).data
    held_rows = list(csv.reader(io.StringIO(held.decode("utf-8-sig"))))
    assert len(held_rows) == 3 and held_rows[1][0] == funded["case"]["case_number"]
    assert "1850.00" in held_rows[1]
