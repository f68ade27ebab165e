"""The approvals queue's and the payments list's filters, 合计, keyset pages and exports,
and approving several payment requests at one level with one note: all or none (#20)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from api.web import approvals as approvals_page
from api.web import payments as payments_page
from reconcile.clock import local_today
from reconcile.db import audit_log
from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, approve, request
from tests.integration.staff_pages import csrf_token
from tests.integration.test_payment_pages import signed_in, staff_user

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded

CARD = re.compile(r'id="approval-(\d+)"')
ROW = re.compile(r'id="payment-(\d+)"')


def cards(browser, query: str = "") -> list[int]:
    return [int(i) for i in CARD.findall(browser.get(f"/approvals{query}").get_data(as_text=True))]


def rows(browser, query: str = "") -> list[int]:
    return [int(i) for i in ROW.findall(browser.get(f"/payments{query}").get_data(as_text=True))]


def made(client, case, amounts, headers) -> list[dict]:
    return [request(client, case["id"], a, headers).get_json() for a in amounts]


def test_the_approvals_queue_filters_sorts_pages_and_totals(
    app, client, uow, admin, court, settings, staff, funded, monkeypatch
):
    staff_user(uow, admin, court, settings, "director", "approver", DIRECTOR)
    case = funded(100_000_00)
    small, middle, large = made(client, case, ["100.00", "2500.50", "9000.00"], staff.judge)
    director = signed_in(app, "director")
    assert cards(director) == [small["id"], middle["id"], large["id"]]
    page = director.get("/approvals?min=1,000&max=9000").get_data(as_text=True)
    assert CARD.findall(page) == [str(middle["id"]), str(large["id"])]
    assert 'data-testid="total-count">2<' in page
    assert 'data-testid="total-amount">11,500.50<' in page
    assert cards(director, "?sort=largest") == [large["id"], middle["id"], small["id"]]
    assert cards(director, "?kind=refund") == []
    assert "金额下限" in director.get("/approvals?min=abc").get_data(as_text=True)
    monkeypatch.setattr(approvals_page, "PAGE", 2)
    first = director.get("/approvals?sort=largest").get_data(as_text=True)
    assert CARD.findall(first) == [str(large["id"]), str(middle["id"])]
    after = re.search(r"after=([\d.]+)&amp;shown=2", first).group(1)
    assert cards(director, f"?sort=largest&after={after}&shown=2") == [small["id"]]
    assert cards(director, "?after=x.y") == [small["id"], middle["id"]]  # a bad key: page one


def test_the_approvals_export_holds_exactly_what_the_filters_show(
    app, client, uow, admin, court, settings, staff, funded
):
    staff_user(uow, admin, court, settings, "director", "approver", DIRECTOR)
    case = funded(100_000_00)
    made(client, case, ["100.00", "2500.50", "9000.00"], staff.judge)
    director = signed_in(app, "director")
    answer = director.get("/approvals?format=xlsx&min=1000")
    assert answer.status_code == 200
    assert "%E5%BE%85%E5%AE%A1%E6%89%B9" in answer.headers["Content-Disposition"]  # 待审批
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert sheet.freeze_panes == "A2"
    amounts = [r[5].value for r in sheet.iter_rows(min_row=2)]
    assert amounts == [Decimal("2500.50"), Decimal("9000.00")]
    assert {r[5].number_format for r in sheet.iter_rows(min_row=2)} == {"#,##0.00"}
    assert all(r[8].is_date for r in sheet.iter_rows(min_row=2))
    text = director.get("/approvals?format=csv&max=200").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(lines) == 2 and lines[1][5] == "100.00"


def test_bulk_approval_approves_each_at_its_level_with_one_note_each_audited(
    app, client, uow, admin, court, settings, staff, funded, engine
):
    staff_user(uow, admin, court, settings, "director", "approver", DIRECTOR)
    case = funded(100_000_00)
    one, two, left = made(client, case, ["100.00", "200.00", "300.00"], staff.judge)
    director = signed_in(app, "director")
    token = csrf_token(director.get("/approvals").get_data(as_text=True))
    done = director.post(
        "/approvals/bulk-approve",
        data={"ids": [one["id"], two["id"]], "note": "同批核对无误", "csrf_token": token},
        follow_redirects=True,
    )
    assert "已同意 2 笔，共 300.00 元" in done.get_data(as_text=True)
    assert cards(director) == [left["id"]]
    with engine.connect() as conn:
        for d in (one, two):
            actions = [
                r["action"] for r in audit_log.records_for(conn, "disbursement", str(d["id"]))
            ]
            assert actions.count("disbursement.approved") == 1
    shown = client.get(f"/api/v1/disbursements/{one['id']}", headers=staff.judge).get_json()
    assert shown["approvals"][0]["note"] == "同批核对无误"


def test_one_refused_request_approves_none_and_names_itself(
    app, client, uow, admin, court, settings, staff, funded
):
    staff_user(uow, admin, court, settings, "director", "approver", DIRECTOR)
    case = funded(100_000_00)
    one, two = made(client, case, ["100.00", "200.00"], staff.judge)
    approve(client, two["id"], staff.other_director)  # decided already: not requested now
    director = signed_in(app, "director")
    token = csrf_token(director.get("/approvals").get_data(as_text=True))
    refused = director.post(
        "/approvals/bulk-approve",
        data={"ids": [one["id"], two["id"]], "note": "", "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"申请 #{two['id']} 不能同意" in refused and "均未处理" in refused
    assert cards(director) == [one["id"]]
    nothing = director.post(
        "/approvals/bulk-approve", data={"csrf_token": token}, follow_redirects=True
    )
    assert nothing.status_code == 200 and "均未处理" not in nothing.get_data(as_text=True)


def test_the_payments_list_has_status_tabs_filters_totals_pages_and_exports(
    app, client, uow, admin, court, settings, staff, funded, monkeypatch
):
    staff_user(uow, admin, court, settings, "wangjing", "finance", "财务人员")
    case = funded(100_000_00)
    small, middle, large = made(client, case, ["100.00", "2500.50", "9000.00"], staff.judge)
    approve(client, middle["id"], staff.director)
    finance = signed_in(app, "wangjing")
    page = finance.get("/payments").get_data(as_text=True)
    assert ROW.findall(page) == [str(large["id"]), str(middle["id"]), str(small["id"])]
    assert re.search(
        r'data-testid="tab-all">[^<]*<span class="count" data-testid="tab-count">3<', page
    )
    assert re.search(r'data-testid="tab-requested">[^<]*<span[^>]*>2<', page)
    assert 'data-testid="total-amount">11,600.50<' in page
    assert rows(finance, "?status=requested&sort=oldest") == [small["id"], large["id"]]
    assert rows(finance, "?min=200&max=3000") == [middle["id"]]
    today = local_today().isoformat()
    assert len(rows(finance, f"?from={today}&to={today}")) == 3
    assert rows(finance, "?to=2000-01-01") == []
    monkeypatch.setattr(payments_page, "PAGE", 2)
    first = finance.get("/payments?sort=largest").get_data(as_text=True)
    after = re.search(r"after=([\d.]+)&amp;shown=2", first).group(1)
    assert rows(finance, f"?sort=largest&after={after}&shown=2") == [small["id"]]
    sheet = load_workbook(io.BytesIO(finance.get("/payments?format=xlsx&status=requested").data))
    amounts = [r[6].value for r in sheet.active.iter_rows(min_row=2)]
    assert sorted(amounts) == [Decimal("100.00"), Decimal("9000.00")]
    assert finance.get("/payments?format=csv&kind=refund").get_data(as_text=True).count("\n") == 1
    assert finance.get("/payments?status=nonsense&min=-&after=zz").status_code == 200
