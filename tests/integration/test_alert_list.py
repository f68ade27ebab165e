"""The alerts list: filters, tab counts, keyset pages, bulk moves (all or nothing), exports."""

from __future__ import annotations

import io
import re
from datetime import datetime
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from api.web import listing
from reconcile.clock import local_today
from reconcile.db import audit_log
from reconcile.db.tables_alerts import alerts
from tests.integration.alerting import raise_many, raise_one
from tests.integration.staff_pages import post_form, sign_in, staff

__all__ = ["staff"]  # the fixture

ROW = re.compile(r'id="alert-(\d+)"')


def shown_ids(client, query: str = "") -> list[int]:
    return [int(i) for i in ROW.findall(client.get(f"/alerts{query}").get_data(as_text=True))]


def audit_actions(engine, alert_id: int) -> list[str]:
    with engine.connect() as conn:
        return [r["action"] for r in audit_log.records_for(conn, "alert", str(alert_id))]


def bulk(client, court, path: str, body: dict, role: str = "desk"):
    return client.post(f"/api/v1/alerts/{path}", json=body, headers=court.headers(role))


def test_bulk_resolve_moves_every_alert_with_one_note_each_audited(client, uow, engine, court):
    ids = raise_many(uow, court.code, 3)
    response = bulk(client, court, "bulk-resolve", {"ids": ids, "note": "同一错误文件，已撤销"})
    assert response.status_code == 200
    assert response.json["count"] == 3
    assert {a["status"] for a in response.json["items"]} == {"resolved"}
    assert {a["resolve_note"] for a in response.json["items"]} == {"同一错误文件，已撤销"}
    for alert_id in ids:
        assert audit_actions(engine, alert_id) == ["alert.raised", "alert.resolved"]


def test_one_refused_alert_changes_nothing_and_names_itself(client, uow, engine, court):
    ids = raise_many(uow, court.code, 2)
    done = raise_one(uow, court.code)
    bulk(client, court, "bulk-resolve", {"ids": [done], "note": "先办结"})
    response = bulk(client, court, "bulk-acknowledge", {"ids": [*ids, done], "note": "受理"})
    assert response.status_code == 422
    assert response.json["alert_id"] == done
    assert response.json["refusal"] == "illegal_transition"
    assert str(done) in response.json["detail"]
    listed = client.get("/api/v1/alerts?status=open", headers=court.headers("desk")).json
    assert sorted(a["id"] for a in listed["items"]) == sorted(ids)
    assert audit_actions(engine, ids[0]) == ["alert.raised"]


def test_finance_may_not_bulk_resolve_an_alert_about_its_own_operations(client, uow, court):
    orphan = raise_one(uow, court.code)
    debit = raise_one(uow, court.code, kind="unmatched_debit", facts={"amount": "800.00"})
    response = bulk(
        client, court, "bulk-resolve", {"ids": [orphan, debit], "note": "x"}, role="finance"
    )
    assert (response.status_code, response.json["alert_id"]) == (422, debit)
    assert response.json["refusal"] == "forbidden"
    assert (
        client.get(f"/api/v1/alerts/{orphan}", headers=court.headers("desk")).json["status"]
        == "open"
    )


@pytest.mark.parametrize(
    "body",
    [{"ids": [], "note": "x"}, {"ids": [1, 1], "note": "x"}, {"ids": [1], "note": ""}],
)
def test_a_bulk_resolve_needs_distinct_ids_and_a_note(client, uow, court, body):
    body = {**body, "ids": [raise_one(uow, court.code) if i else i for i in body["ids"]]}
    if len(body["ids"]) == 2:
        body["ids"] = [body["ids"][0]] * 2
    assert bulk(client, court, "bulk-resolve", body).status_code == 422


def test_the_enforcement_role_may_not_move_alerts_in_bulk(client, uow, court):
    ids = raise_many(uow, court.code, 1)
    response = bulk(client, court, "bulk-acknowledge", {"ids": ids}, role="enforcement")
    assert response.status_code == 403


def test_the_page_filters_by_kind_severity_and_raised_day(client, uow, engine, staff, court):
    orphan = raise_one(uow, court.code)
    debit = raise_one(uow, court.code, kind="unmatched_debit", facts={"amount": "800.00"})
    old = raise_one(uow, court.code)
    with engine.begin() as conn:
        conn.execute(
            update(alerts).where(alerts.c.id == old).values(raised_at=datetime(2026, 1, 5, 2))
        )
    sign_in(client, staff("desk"))
    assert set(shown_ids(client)) == {orphan, debit, old}
    assert shown_ids(client, "?kind=unmatched_debit") == [debit]
    assert set(shown_ids(client, "?severity=warning")) == {orphan, old}
    assert shown_ids(client, "?from=2026-01-05&to=2026-01-05") == [old]
    assert old not in shown_ids(client, f"?from={local_today().isoformat()}")
    assert shown_ids(client, "?kind=nonsense&from=garbage") != []  # ignored, never a 500


def test_the_tabs_count_each_status_and_the_total_row_counts_the_filter(client, uow, staff, court):
    ids = raise_many(uow, court.code, 4)
    sign_in(client, staff("desk"))
    post_form(client, "/alerts", f"/alerts/{ids[0]}/acknowledge", note="")
    page = client.get("/alerts").get_data(as_text=True)
    counts = re.findall(r'data-testid="tab-count">(\d+)<', page)
    assert counts == ["3", "1", "0"]
    assert re.search(r'data-testid="total-count">3<', page)


def test_pages_follow_each_other_without_gaps_or_repeats(client, uow, staff, court):
    warnings = raise_many(uow, court.code, 40)
    critical = raise_many(uow, court.code, 15, kind="unmatched_debit", facts={})
    sign_in(client, staff("desk"))
    page = client.get("/alerts").get_data(as_text=True)
    first = [int(i) for i in ROW.findall(page)]
    assert first[:15] == critical  # most severe first, oldest first within
    nxt = re.search(r'href="(/alerts\?[^"]*after=[^"]+)" data-testid="next-page"', page)
    second = shown_ids(client, "?" + nxt.group(1).split("?", 1)[1].replace("&amp;", "&"))
    assert len(first) == 50 and len(second) == 5
    assert first + second == critical + warnings
    newest = shown_ids(client, "?sort=newest")
    assert newest[0] == max(critical)


def test_the_page_bulk_form_resolves_the_ticked_alerts(client, uow, staff, court):
    ids = raise_many(uow, court.code, 3)
    sign_in(client, staff("desk"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/alerts").text).group(1)
    answer = client.post(
        "/alerts/bulk",
        data={"ids": ids[:2], "note": "已处理", "action": "resolve", "csrf_token": token},
        follow_redirects=True,
    )
    assert "已办结 2 条预警" in answer.get_data(as_text=True)
    assert sorted(shown_ids(client, "?status=resolved")) == ids[:2]
    refused = client.post(
        "/alerts/bulk",
        data={"ids": ids, "note": "再来", "action": "resolve", "csrf_token": token},
        follow_redirects=True,
    )
    assert f"预警{ids[0]}：" in refused.get_data(as_text=True)  # the page speaks Chinese
    assert shown_ids(client) == [ids[2]]


def test_the_export_holds_what_the_filters_show_as_numbers_and_dates(client, uow, staff, court):
    raise_many(uow, court.code, 3)
    raise_one(uow, court.code, kind="unmatched_debit", facts={"case_number": "=HYPERLINK()"})
    sign_in(client, staff("desk"))
    response = client.get("/alerts?severity=warning&format=xlsx")
    assert response.status_code == 200
    disposition = unquote(response.headers["Content-Disposition"].split("UTF-8''")[1])
    assert disposition == f"预警清单_{court.code}_{local_today().isoformat()}.xlsx"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    page = client.get("/alerts?severity=warning").get_data(as_text=True)
    assert len(rows) == int(re.search(r'data-testid="total-count">(\d+)<', page).group(1)) == 3
    assert isinstance(rows[0][0], int)
    assert sheet.cell(row=2, column=8).is_date
    assert sheet.cell(row=2, column=8).value.date() == local_today()
    guarded = client.get("/alerts?severity=critical&format=csv").get_data(as_text=True)
    assert "'=HYPERLINK()" in guarded and guarded.startswith("\ufeff")


def test_the_lists_and_charts_read_in_english_on_request(client, uow, staff, court):
    raise_many(uow, court.code, 2)
    sign_in(client, staff("finance", "会计"))
    post_form(client, "/alerts", "/language", language="en", next="/alerts")
    alerts_page = client.get("/alerts").get_data(as_text=True)
    assert "Resolve ticked" in alerts_page and "Export XLSX" in alerts_page
    assert "批量办结" not in alerts_page
    assert "Statement imports" in client.get("/statements").get_data(as_text=True)
    assert "Unidentified funds by age" in client.get("/reports/charts").get_data(as_text=True)


def test_an_xlsx_longer_than_its_limit_says_where_it_stops(client, uow, staff, court, monkeypatch):
    monkeypatch.setattr(listing, "MOST_XLSX_ROWS", 2)
    raise_many(uow, court.code, 3)
    sign_in(client, staff("desk"))
    sheet = load_workbook(io.BytesIO(client.get("/alerts?format=xlsx").data)).active
    assert sheet.max_row == 4  # the header, two alerts, the notice
    assert "仅导出前 2 条" in sheet.cell(row=4, column=1).value
    csv_lines = client.get("/alerts?format=csv").get_data(as_text=True).strip().splitlines()
    assert len(csv_lines) == 4  # CSV streams: every alert


def test_the_api_lists_filter_by_severity_court_and_raised_day(client, uow, court):
    orphan = raise_one(uow, court.code)
    debit = raise_one(uow, court.code, kind="unmatched_debit", facts={})
    headers = court.headers("desk")

    def ids(query: str) -> list[int]:
        answer = client.get(f"/api/v1/alerts?{query}", headers=headers)
        assert answer.status_code == 200, answer.get_json()
        return [a["id"] for a in answer.get_json()["items"]]

    assert ids("severity=critical") == [debit]
    assert ids(f"court={court.code}") == [orphan, debit]
    assert ids("court=elsewhere") == []
    assert ids(f"raised_from={local_today().isoformat()}") == [orphan, debit]
    assert ids("raised_to=2020-01-01") == []
    assert client.get("/api/v1/alerts?severity=loud", headers=headers).status_code == 422
