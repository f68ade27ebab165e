"""The monthly execution ↔ finance check (GET /reports/execution-finance-check)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from reconcile.clock import local_today, utc_now
from reconcile.db.tables_payments import disbursements
from tests.integration import payments
from tests.integration.payments import PAYEE
from tests.integration.staff_pages import staff

funded_case = payments.funded_case
__all__ = ["staff"]


def request(client, court, case_id, amount):
    made = client.post(
        f"/api/v1/cases/{case_id}/disbursements",
        json={"amount": amount, "payee_account_number": PAYEE, "note": "发放案款"},
        headers=court.headers("enforcement"),
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def report(client, court, month=None, role="desk"):
    return client.get(
        "/api/v1/reports/execution-finance-check",
        query_string={"court": court.code, "month": month or local_today().strftime("%Y-%m")},
        headers=court.headers(role),
    )


def test_each_side_unanswered_is_listed_with_its_totals(client, court, funded_case, engine):
    idle = funded_case(30_000_00)
    asked = funded_case(20_000_00)
    paid = funded_case(10_000_00)
    part_asked = funded_case(8_000_00)
    waiting = request(client, court, asked["id"], "20000.00")
    request(client, court, part_asked["id"], "3000.00")  # a standing request answers the case
    payment = request(client, court, paid["id"], "10000.00")
    client.post(
        f"/api/v1/disbursements/{payment['id']}/approve", json={}, headers=court.headers("approver")
    )
    marked = client.post(
        f"/api/v1/disbursements/{payment['id']}/mark-paid",
        json={"bank_reference": "ICBC001", "paid_on": local_today().isoformat()},
        headers=court.headers("finance"),
    )
    assert marked.status_code == 200, marked.get_json()

    body = report(client, court).get_json()
    idle_rows = body["money_without_request"]
    assert [r["case_number"] for r in idle_rows["items"]] == [idle["case_number"]]
    assert idle_rows["items"][0]["available"] == "30000.00"
    assert idle_rows["total"] == "30000.00"
    unpaid = body["requests_unpaid"]
    assert {r["disbursement_id"] for r in unpaid["items"]} == {waiting["id"], waiting["id"] + 1}
    assert unpaid["total"] == "23000.00" and unpaid["count"] == 2
    (unconfirmed,) = body["payments_unconfirmed"]["items"]
    assert unconfirmed["disbursement_id"] == payment["id"]
    assert unconfirmed["status"] == "marked_paid"


def test_requests_of_another_month_are_not_this_months(client, court, funded_case, engine):
    case = funded_case(5_000_00)
    made = request(client, court, case["id"], "5000.00")
    with engine.begin() as conn:
        conn.execute(
            update(disbursements)
            .where(disbursements.c.id == made["id"])
            .values(requested_at=utc_now() - timedelta(days=40))
        )
    earlier = (local_today() - timedelta(days=40)).strftime("%Y-%m")
    assert [
        r["disbursement_id"]
        for r in report(client, court, earlier).get_json()["requests_unpaid"]["items"]
    ] == [made["id"]]
    assert report(client, court).get_json()["requests_unpaid"]["items"] == []


def test_a_month_that_is_not_one_and_another_court_are_refused(client, court, other_court):
    assert report(client, court, month="2026-13").status_code == 422
    assert report(client, court, month="Nov").status_code == 422
    other = client.get(
        "/api/v1/reports/execution-finance-check",
        query_string={"court": court.code, "month": "2026-11"},
        headers=other_court.headers("desk"),
    )
    assert other.status_code == 404


def test_the_page_shows_the_sections_with_totals_and_exports_numbers(
    app, client, court, funded_case, staff
):
    import io

    from openpyxl import load_workbook

    from tests.integration.staff_pages import sign_in

    idle = funded_case(30_000_00)
    asked = funded_case(20_000_00)
    request(client, court, asked["id"], "12500.50")
    page = app.test_client()
    sign_in(page, staff("finance"))
    month = local_today().strftime("%Y-%m")
    html = page.get(f"/reports/execution-finance-check?court={court.code}&month={month}")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert idle["case_number"] in text and "1 笔，合计 30,000.00 元" in text
    assert "1 笔，合计 12,500.50 元" in text
    download = page.get(f"/reports/execution-finance-check.xlsx?court={court.code}&month={month}")
    assert "%E6%89%A7%E8%B4%A2%E6%A0%B8%E5%AF%B9" in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(min_row=2))
    amounts = {r[1].value: r[2] for r in rows}
    assert Decimal(str(amounts[idle["case_number"]].value)) == Decimal("30000.00")
    assert amounts[asked["case_number"]].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"
    bad = page.get(f"/reports/execution-finance-check?court={court.code}&month=2026-13")
    assert bad.status_code == 422 and "不是月份" in bad.get_data(as_text=True)
