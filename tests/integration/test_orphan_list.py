"""The orphan queue (不明款): keyset pages by booking day, filters, the 合计 row, exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]  # the fixture

CARD = re.compile(r'data-testid="orphan" id="orphan-(\d+)"')
NEXT = re.compile(r'href="([^"]+)" data-testid="next-page"')
TOTAL_COUNT = re.compile(r'data-testid="total-count">(\d+)<')
TOTAL_UNPLACED = re.compile(r'data-testid="total-unplaced">([\d,.]+)<')
COUNT = 120  # more than two pages of 50


def booked(i: int) -> str:
    """Booking days out of id order: a later line may be booked earlier."""
    return f"2026-10-{1 + (i * 7) % 28:02d}"


def amount(i: int) -> str:
    return f"{10 + i * 3}.{i % 100:02d}"


@pytest.fixture
def queue(client, court, staff):
    """COUNT orphan credits over October, and finance signed in; the lines by id."""
    rows = [
        Row(booked(i), amount(i), f"付款人{i}", "6222000000000009", "货款", "", f"O{i}")
        for i in range(COUNT)
    ]
    rows.sort(key=lambda r: r.booked_on)  # a statement runs in booking order
    response = upload(client, court, csv_statement(rows))
    assert response.status_code == 201, response.get_json()
    sign_in(client, staff("finance"))
    return all_orphans(client, court)


def all_orphans(client, court) -> list[dict]:
    found, query = [], {"status": "orphan", "direction": "credit", "limit": 100}
    while True:
        page = client.get(
            "/api/v1/transactions", query_string=query, headers=court.headers("finance")
        ).get_json()
        found += page["items"]
        if not page["next_cursor"]:
            return found
        query["cursor"] = page["next_cursor"]


def by_booking(lines: list[dict]) -> list[int]:
    return [x["id"] for x in sorted(lines, key=lambda x: (x["booked_on"], x["id"]))]


def walk(client, query: str = "") -> list[list[int]]:
    """Follow 下一页 from the first page; return the ids of each page."""
    pages, url = [], f"/orphans{query}"
    while url:
        html = client.get(url.replace("&amp;", "&")).get_data(as_text=True)
        pages.append([int(i) for i in CARD.findall(html)])
        found = NEXT.search(html)
        url = found.group(1) if found else None
        assert len(pages) < 10
    return pages


def yuan_text(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_pages_run_oldest_booking_first_without_gaps_or_repeats(client, queue):
    pages = walk(client)
    assert [len(p) for p in pages] == [50, 50, 20]
    assert [i for p in pages for i in p] == by_booking(queue)
    link = NEXT.search(client.get("/orphans").get_data(as_text=True)).group(1)
    second = client.get(link.replace("&amp;", "&"))
    html = second.get_data(as_text=True)
    assert 'data-testid="first-page"' in html and "下一页" in html
    assert "本页第 51–100 条" in html


def test_filters_choose_the_lines_and_the_total_counts_them_all(client, queue):
    query = "?from=2026-10-05&to=2026-10-20&min=50.00&max=2,000.00"
    wanted = [
        x
        for x in queue
        if "2026-10-05" <= x["booked_on"] <= "2026-10-20"
        and Decimal("50") <= Decimal(x["amount"]) <= Decimal("2000")
    ]
    assert 50 < len(wanted) < COUNT  # the filters cut, and more than one page is left
    pages = walk(client, query)
    assert [i for p in pages for i in p] == by_booking(wanted)
    html = client.get(f"/orphans{query}").get_data(as_text=True)
    assert int(TOTAL_COUNT.search(html).group(1)) == len(wanted)
    assert yuan_text(TOTAL_UNPLACED.search(html).group(1)) == sum(
        Decimal(x["amount"]) for x in wanted
    )
    assert "2,000.00" in html  # the amount as typed stays in the form


def test_the_total_is_of_what_no_case_holds_yet(client, court, queue, register_case):
    case = register_case()
    line = queue[0]
    response = post_form(
        client,
        "/orphans",
        f"/orphans/{line['id']}/split",
        part_case=case["case_number"],
        part_amount="5.00",
        reason="来函说明部分款项",
    )
    assert response.status_code == 302
    html = client.get("/orphans").get_data(as_text=True)
    everything = sum(Decimal(x["amount"]) for x in queue)
    assert int(TOTAL_COUNT.search(html).group(1)) == COUNT
    assert yuan_text(TOTAL_UNPLACED.search(html).group(1)) == everything - Decimal("5.00")


def test_a_mistyped_amount_is_said_and_not_filtered_by(client, queue):
    response = client.get("/orphans?min=abc&max=1e9")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="amount-refused"' in html and "abc" in html
    assert int(TOTAL_COUNT.search(html).group(1)) == COUNT
    assert client.get("/orphans?after=garbage&from=2026-13-40").status_code == 200


def test_the_xlsx_holds_what_the_filters_show_as_numbers_and_dates(client, queue):
    wanted = [x for x in queue if x["booked_on"] >= "2026-10-15"]
    response = client.get("/orphans?format=xlsx&from=2026-10-15")
    assert response.status_code == 200
    assert (
        "filename*=UTF-8''%E4%B8%8D%E6%98%8E%E6%AC%BE_" in response.headers["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["流水号", "入账日期", "账龄（天）", "金额（元）", "未分配余额（元）"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == by_booking(wanted)
    first = rows[0]
    assert isinstance(first[1].value, datetime | date) and first[1].number_format == "yyyy-mm-dd"
    assert first[4].number_format == "#,##0.00"
    total = sum(Decimal(str(r[4].value)) for r in rows)
    html = client.get("/orphans?from=2026-10-15").get_data(as_text=True)
    assert total == yuan_text(TOTAL_UNPLACED.search(html).group(1))
    assert len(rows) == int(TOTAL_COUNT.search(html).group(1))


def test_the_csv_streams_every_line_the_filters_show(client, queue):
    response = client.get("/orphans?format=csv&max=100.00")
    text = response.get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    wanted = [x for x in queue if Decimal(x["amount"]) <= 100]
    assert [int(r[0]) for r in lines[1:]] == by_booking(wanted)
    assert re.fullmatch(r"\d+\.\d{2}", lines[1][3])  # a number, not guarded text


def test_the_use_case_pages_by_booking_and_keeps_paging_by_id(uow, admin, queue):
    from reconcile.services import transactions

    chosen = {
        "status": "orphan",
        "booked_from": date(2026, 10, 8),
        "booked_to": date(2026, 10, 15),
        "amount_min": 100_00,
        "amount_max": 300_00,
    }
    wanted = [
        x
        for x in queue
        if "2026-10-08" <= x["booked_on"] <= "2026-10-15"
        and Decimal("100") <= Decimal(x["amount"]) <= Decimal("300")
    ]
    assert wanted
    first = transactions.list_transactions(uow(), admin, by_booking=True, limit=2, **chosen)
    last = first[-1]
    rest = transactions.list_transactions(
        uow(),
        admin,
        by_booking=True,
        after_booked_on=last["booked_on"],
        after_id=last["id"],
        limit=100,
        **chosen,
    )
    assert [x["id"] for x in first + rest] == by_booking(wanted)
    totals = transactions.transaction_totals(uow(), admin, **chosen)
    assert totals["count"] == len(wanted)
    assert totals["unplaced"] == sum(int(Decimal(x["amount"]) * 100) for x in wanted)
    by_id = transactions.list_transactions(uow(), admin, after_id=wanted[0]["id"], **chosen)
    assert [x["id"] for x in by_id] == sorted(x["id"] for x in wanted[1:])
