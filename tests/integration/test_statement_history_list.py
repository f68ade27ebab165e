"""The import history: filters, pages, the 合计 row (lines, credits), XLSX and CSV exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from api.web import statements as statements_page
from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]  # the fixture

ROW = re.compile(r'data-testid="statement-row"')


@pytest.fixture
def three_imports(client, court):
    """Three imports of November 2026, a week apart: credits 100, 200 and 300 yuan (+ 0.50)."""
    ids = []
    for week, day in enumerate(("2026-11-02", "2026-11-09", "2026-11-16"), start=1):
        rows = [
            Row(day, f"{week * 100}.50", "张伟", "6222020200112233445", f"第{week}周"),
            Row(day, "-10.00", "某公司", "6222600110022334455", "手续费"),
        ]
        answer = upload(client, court, csv_statement(rows), name=f"week{week}.csv")
        assert answer.status_code == 201, answer.get_json()
        ids.append(answer.get_json()["id"])
    return ids


def test_each_import_shows_its_lines_and_credits_and_the_page_totals_them(
    client, staff, three_imports
):
    sign_in(client, staff("finance", "会计"))
    page = client.get("/statements").get_data(as_text=True)
    assert len(ROW.findall(page)) == 3
    assert re.findall(r'data-testid="row-credits"><span class="money">([^<]+)<', page) == [
        "300.50",
        "200.50",
        "100.50",
    ]
    assert 'data-testid="total-count">3<' in page
    assert re.search(r'data-testid="total-lines">6<', page)
    assert re.search(r'data-testid="total-credits"><span class="money">601.50<', page)


def test_the_period_filter_keeps_the_imports_it_overlaps(client, staff, three_imports):
    sign_in(client, staff("finance", "会计"))
    page = client.get("/statements?from=2026-11-08&to=2026-11-10").get_data(as_text=True)
    assert len(ROW.findall(page)) == 1
    assert 'data-testid="total-count">1<' in page
    assert "week2.csv" in page


def test_pages_follow_each_other_and_say_where_they_are(client, staff, three_imports, monkeypatch):
    monkeypatch.setattr(statements_page, "HISTORY_PAGE", 2)
    sign_in(client, staff("finance", "会计"))
    first = client.get("/statements").get_data(as_text=True)
    assert len(ROW.findall(first)) == 2 and 'data-testid="total-count">3<' in first
    link = re.search(r'href="([^"]+)" data-testid="next-page"', first).group(1)
    second = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert len(ROW.findall(second)) == 1 and "week1.csv" in second
    assert "本页第 3–3 条" in second
    assert 'data-testid="next-page"' not in second


def test_the_xlsx_export_has_numbers_dates_a_frozen_header_and_the_page_totals(
    client, staff, three_imports, court
):
    sign_in(client, staff("finance", "会计"))
    response = client.get("/statements?format=xlsx")
    assert response.status_code == 200
    assert "%E6%B5%81%E6%B0%B4" in response.headers["Content-Disposition"]  # 流水
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    credits_at, start_at = header.index("来款金额") + 1, header.index("期间起") + 1
    cells = [sheet.cell(row=r, column=credits_at) for r in range(2, sheet.max_row + 1)]
    assert all(c.number_format == "#,##0.00" for c in cells)
    assert sum(Decimal(str(c.value)) for c in cells) == Decimal("601.50")
    start = sheet.cell(row=2, column=start_at)
    assert start.is_date and start.value in (date(2026, 11, 16), datetime(2026, 11, 16))
    assert sheet.max_row - 1 == 3


def test_the_csv_export_follows_the_filters(client, staff, three_imports):
    sign_in(client, staff("finance", "会计"))
    body = client.get("/statements?from=2026-11-15&format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 2
    assert rows[1][rows[0].index("来款金额")] == "300.50"
