"""Every list downloads the page it shows (导出本页, `scope=page`: the same filters and
keyset position) or everything its filters show (导出全部); both stream; the XLSX keeps
numbers, dates, the frozen header and the formula guard (#16, #20)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import unquote

from openpyxl import load_workbook

from api.web import exports, listing, orphans
from tests.integration.test_orphan_list import CARD, COUNT, NEXT, queue, staff

__all__ = ["queue", "staff"]  # the fixtures

LINK = re.compile(r'href="([^"]+)" data-testid="(export[a-z-]*)">([^<]+)<')


def links(page: str) -> dict[str, str]:
    return {testid: html.unescape(href) for href, testid, _ in LINK.findall(page)}


def test_the_page_download_holds_the_rows_the_page_shows_from_its_position(client, queue):
    first = client.get("/orphans?min=20").get_data(as_text=True)
    second = client.get(html.unescape(NEXT.search(first).group(1))).get_data(as_text=True)
    shown = [int(i) for i in CARD.findall(second)]
    assert len(shown) == orphans.PAGE
    where = links(second)
    assert set(where) == {"export-page-xlsx", "export-page-csv", "export-xlsx", "export-csv"}
    assert "after=" in where["export-page-xlsx"] and "scope=page" in where["export-page-xlsx"]
    assert "after=" not in where["export-xlsx"] and "min=20" in where["export-xlsx"]

    answer = client.get(where["export-page-xlsx"])
    assert answer.is_streamed
    name = unquote(answer.headers["Content-Disposition"].split("UTF-8''")[1])
    assert name.startswith("不明款_本页_") and name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == shown
    assert (
        isinstance(rows[0][1].value, datetime | date) and rows[0][1].number_format == "yyyy-mm-dd"
    )
    assert isinstance(rows[0][3].value, int | float) and rows[0][3].number_format == "#,##0.00"

    text = client.get(where["export-page-csv"]).get_data(as_text=True).lstrip("\ufeff")
    assert [int(r[0]) for r in list(csv.reader(io.StringIO(text)))[1:]] == shown

    everything = load_workbook(io.BytesIO(client.get(where["export-xlsx"]).data)).active
    wanted = [x for x in queue if Decimal(x["amount"]) >= 20]
    assert everything.max_row == 1 + len(wanted) and len(wanted) > 2 * orphans.PAGE


def test_every_list_offers_both_downloads_and_the_page_download_answers(client, queue):
    for path in ("/orphans", "/alerts?status=open", "/statements", "/cases", "/payments"):
        page = client.get(path).get_data(as_text=True)
        where = links(page)
        if not where:  # a list with nothing to show offers nothing to download
            continue
        assert {"export-page-xlsx", "export-xlsx"} <= set(where), path
        answer = client.get(where["export-page-xlsx"])
        assert answer.status_code == 200, path
        assert "本页" in unquote(answer.headers["Content-Disposition"]), path
        assert load_workbook(io.BytesIO(answer.data)).active.freeze_panes == "A2", path
    assert "导出本页Excel" in client.get("/orphans").get_data(as_text=True)


def test_a_full_download_is_one_batch_after_another_in_the_pages_order(client, queue, monkeypatch):
    monkeypatch.setattr(listing, "EXPORT_BATCH", 7)  # many batches, one boundary inside a day
    text = client.get("/orphans?format=csv").get_data(as_text=True).lstrip("\ufeff")
    ids = [int(r[0]) for r in list(csv.reader(io.StringIO(text)))[1:]]
    by_day = sorted(queue, key=lambda x: (x["booked_on"], x["id"]))
    assert ids == [x["id"] for x in by_day] and len(ids) == COUNT


def test_the_sheet_opens_with_what_it_was_given():
    rows = [
        [1, date(2026, 11, 2), Decimal("-1234.50"), "=cmd|' /C calc'!A0", "a\rb\x01c & <d>"],
        [2, datetime(2026, 11, 2, 9, 30), Decimal("0.00"), None, True],
    ]
    header = ["编号", "日期", "金额", "备注", "其他"]
    parts = list(exports.xlsx_parts("不明款[本页]:*", header, rows))
    sheet = load_workbook(io.BytesIO(b"".join(parts))).active
    assert sheet.title == "不明款 本页   " and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == header
    first, second = sheet[2], sheet[3]
    assert first[0].value == 1 and first[0].number_format == "0"
    assert first[1].value == datetime(2026, 11, 2) and first[1].is_date
    assert first[2].value == -1234.5 and first[2].number_format == "#,##0.00"
    assert first[3].value == "'=cmd|' /C calc'!A0" and first[3].data_type == "s"
    # a control character XML cannot hold is dropped; a carriage return is kept as the
    # sheet's escape of it (ECMA-376 ST_Xstring), which Excel reads back as the character
    assert first[4].value == "a_x000D_bc & <d>"
    assert second[1].value == datetime(2026, 11, 2, 9, 30) and second[3].value is None
    assert second[4].value is True
    assert sheet.column_dimensions["A"].width >= 18  # 18 characters, with Excel's padding


def test_a_long_sheet_is_sent_in_parts_and_holds_every_row():
    rows = ([i, Decimal("1.00")] for i in range(20_000))
    parts = list(exports.xlsx_parts("t", ["a", "b"], rows))
    assert len(parts) > 2  # read back in parts from its file, not one body
    assert load_workbook(io.BytesIO(b"".join(parts))).active.max_row == 20_001
