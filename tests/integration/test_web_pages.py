"""The staff pages through the Flask test client: who may open what, CSRF, exports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from api.cli import cli
from api.web.exports import neutralise, to_csv, to_xlsx
from api.web.messages import MESSAGES
from tests.integration.conftest import case_body
from tests.integration.staff_pages import PASSWORD, csrf_token, post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]

#: page -> the roles that may open it
PAGES = {
    "/": ("enforcement", "finance", "approver", "desk", "admin"),
    "/statements/upload": ("finance", "admin"),
    "/orphans": ("finance", "admin"),
    "/approvals": ("approver", "admin"),
    "/alerts": ("enforcement", "finance", "approver", "desk", "admin"),
    "/cases": ("enforcement", "finance", "approver", "desk", "admin"),
    "/reports/reconciliation": ("finance", "approver", "desk", "admin"),
}
ROLES = ("enforcement", "finance", "approver", "desk", "admin")
TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"


@pytest.fixture
def imported(client, court, register_case):
    """Import a statement: one credit matched, one orphan, one debit to an unnamed account."""
    case = register_case()
    rows = [
        Row("2026-11-16", "3000.00", "张伟", "6222020200112233445", "", case["sub_account_number"]),
        Row("2026-11-17", "1200.00", "赵敏", "6214830100456789", "转账"),
        Row("2026-11-18", "-800.00", "某公司", "6222600110022334455", "服务费", "", "=1+2"),
    ]
    report = upload(client, court, csv_statement(rows)).get_json()
    return {"case": case, "report": report, "court": court}


def signed_in(client, staff, role: str, username: str | None = None):
    name = staff(role, username)
    assert sign_in(client, name).status_code == 302
    return client


@pytest.mark.parametrize("page", [*PAGES, "/cases/1", "/statements/1"])
def test_every_page_sends_a_signed_out_visitor_to_sign_in(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_the_roles_it_allows_and_refuses_the_others(
    client, staff, imported, role
):
    signed_in(client, staff, role)
    for page, allowed in PAGES.items():
        response = client.get(page)
        assert response.status_code == (200 if role in allowed else 403), (page, role)
        assert response.mimetype == "text/html"


def test_a_case_opens_by_any_bracket_variant_or_its_sub_account(client, staff, imported):
    signed_in(client, staff, "finance")
    case = imported["case"]
    for query in (
        case["case_number"].replace("（", "(").replace("）", ")"),
        case["case_number"].replace("（", "〔").replace("）", "〕"),
        case["sub_account_number"],
    ):
        response = client.get("/cases", query_string={"q": query})
        assert response.headers["Location"] == f"/cases/{case['id']}", query
    page = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert case["sub_account_number"] in page and "3,000.00" in page
    assert client.get("/cases", query_string={"q": "（2026）京0105执9999号"}).status_code == 404


def test_another_courts_case_is_not_found(client, staff, imported, other_court):
    other = client.post(
        "/api/v1/cases",
        json=case_body(other_court.code),
        headers=other_court.headers("enforcement"),
    ).get_json()
    signed_in(client, staff, "finance")
    assert client.get(f"/cases/{other['id']}").status_code == 404
    assert client.get("/cases", query_string={"q": other["case_number"]}).status_code == 404


def test_a_post_without_its_csrf_token_is_refused(client, staff, imported):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "x", "password": "y"}).status_code == 400
    signed_in(client, staff, "finance")
    orphan = _orphans(client, imported)[0]
    refused = client.post(
        f"/orphans/{orphan['id']}/assign",
        data={"case_id": imported["case"]["id"], "reason": "无令牌"},
    )
    assert refused.status_code == 400
    forged = client.post(
        f"/orphans/{orphan['id']}/assign",
        data={"case_id": imported["case"]["id"], "reason": "伪造", "csrf_token": token + "x"},
    )
    assert forged.status_code == 400
    assert _orphans(client, imported)[0]["status"] == "orphan"


def test_the_json_api_needs_no_csrf_token(client, court, imported):
    orphan = _orphans(client, imported)[0]
    response = client.post(
        f"/api/v1/transactions/{orphan['id']}/assign",
        json={"case_id": imported["case"]["id"], "reason": "API"},
        headers=court.headers("finance"),
    )
    assert response.status_code == 200


def test_finance_assigns_an_orphan_with_a_reason_through_the_form(client, staff, imported):
    signed_in(client, staff, "finance")
    orphan = _orphans(client, imported)[0]
    response = post_form(
        client,
        "/orphans",
        f"/orphans/{orphan['id']}/assign",
        case_ref=imported["case"]["case_number"],
        reason="付款人来电确认",
    )
    assert response.status_code == 302
    assert "已将 1,200.00 元分配至案件" in client.get("/orphans").get_data(as_text=True)
    assert _orphans(client, imported) == []


def test_an_assignment_without_a_reason_is_refused_and_says_why(client, staff, imported):
    signed_in(client, staff, "finance")
    orphan = _orphans(client, imported)[0]
    post_form(client, "/orphans", f"/orphans/{orphan['id']}/assign", case_id="1", reason=" ")
    assert "输入有误" in client.get("/orphans").get_data(as_text=True)
    assert len(_orphans(client, imported)) == 1


def test_the_upload_page_previews_then_imports_on_confirmation_and_points_at_a_faulty_line(
    client, staff, court
):
    signed_in(client, staff, "finance")
    good = csv_statement([Row("2026-11-16", "50.00", "甲", "6222000000000001", "货款")])
    response = post_form(
        client,
        "/statements/upload",
        "/statements/upload",
        file=(io.BytesIO(good), "good.csv"),
        account=court.account,
    )
    preview_url = response.headers["Location"]
    preview_page = client.get(preview_url).get_data(as_text=True)
    assert "尚未导入" in preview_page and "确认导入" in preview_page and "不明款" in preview_page
    confirmed = post_form(client, preview_url, f"{preview_url}/confirm")
    report_page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "流水已导入" in report_page and "相符" in report_page
    bad = good.replace(b"50.00", b"fifty")
    refused = post_form(
        client, "/statements/upload", "/statements/upload", file=(io.BytesIO(bad), "bad.csv")
    )
    assert refused.status_code == 422
    assert "第 2 行" in refused.get_data(as_text=True)


def test_an_approver_never_sees_an_approve_button_for_their_own_refund_request(
    client, app, staff, imported
):
    signed_in(client, staff, "admin", "管理员")
    orphan = _orphans(client, imported)[0]
    post_form(client, "/orphans", f"/orphans/{orphan['id']}/refund", reason="付款人申请退回")
    own = client.get("/approvals").get_data(as_text=True)
    assert 'data-testid="approval"' in own and 'data-testid="approve"' not in own
    other = app.test_client()
    signed_in(other, staff, "approver", "审批人")
    assert 'data-testid="approve"' in other.get("/approvals").get_data(as_text=True)


def test_the_desk_acknowledges_and_resolves_an_alert_with_a_note(client, staff, imported):
    signed_in(client, staff, "desk")
    page = client.get("/alerts").get_data(as_text=True)
    alert_id = re.search(r'id="alert-(\d+)"', page).group(1)
    post_form(client, "/alerts", f"/alerts/{alert_id}/acknowledge", note="已受理")
    assert f'id="alert-{alert_id}"' in client.get("/alerts?status=acknowledged").get_data(
        as_text=True
    )
    post_form(client, "/alerts", f"/alerts/{alert_id}/resolve", note="")
    assert f'id="alert-{alert_id}"' not in client.get("/alerts?status=resolved").get_data(
        as_text=True
    )
    post_form(client, "/alerts", f"/alerts/{alert_id}/resolve", note="银行已追回")
    assert f'id="alert-{alert_id}"' in client.get("/alerts?status=resolved").get_data(as_text=True)


def test_an_unknown_user_and_a_wrong_password_read_the_same(client, staff):
    staff("finance", "会计")
    wrong = sign_in(client, "会计", "wrong").get_data(as_text=True)
    unknown = sign_in(client, "nobody", "wrong").get_data(as_text=True)
    assert "用户名或密码错误" in wrong and "用户名或密码错误" in unknown


def test_the_session_cookie_is_http_only_and_same_site_lax(client, staff):
    staff("finance")
    response = sign_in(client, "finance")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_the_site(client, staff):
    staff("finance")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    form = {"username": "finance", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=/orphans", data=form)
    assert response.headers["Location"] == "/orphans"
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    token = csrf_token(client.get("/login").get_data(as_text=True))
    evil = client.post("/login?next=//evil.example/", data={**form, "csrf_token": token})
    assert evil.headers["Location"] == "/"


def test_signing_out_ends_the_session(client, staff):
    signed_in(client, staff, "finance")
    post_form(client, "/", "/logout")
    assert client.get("/").status_code == 302


def test_the_pages_switch_to_english_per_session(client, staff):
    signed_in(client, staff, "finance")
    assert "今日工作" in client.get("/").get_data(as_text=True)
    post_form(client, "/", "/language", language="en", next="/")
    assert "Unidentified credits" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(start):
    assert neutralise(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert neutralise("账户 =1") == "账户 =1"
    rows = [[f"{start}cmd|' /C calc'!A0"]]
    assert next(csv.reader(io.StringIO(to_csv(["h"], rows).decode("utf-8-sig"))))[0] == "h"
    assert list(csv.reader(io.StringIO(to_csv(["h"], rows).decode("utf-8-sig"))))[1][0][0] == "'"
    sheet = load_workbook(io.BytesIO(to_xlsx("t", ["h"], rows))).active
    assert sheet["A2"].value.startswith("'") and sheet["A2"].data_type == "s"


def test_the_reconciliation_export_neutralises_formulas(client, staff, imported):
    signed_in(client, staff, "finance")
    query = {"date": "2026-11-18", "days": "3"}
    text = client.get("/reports/reconciliation.csv", query_string=query).data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'-800.00" in cells  # the day's difference
    assert any(c.startswith("'=1+2") for c in cells)  # the flagged debit's bank reference
    book = client.get("/reports/reconciliation.xlsx", query_string=query)
    values = [c.value for row in load_workbook(io.BytesIO(book.data)).active for c in row]
    formulas = [v for v in values if isinstance(v, str) and v.startswith("=")]
    assert formulas == [] and any(isinstance(v, str) and v.startswith("'=1+2") for v in values)


def test_the_reconciliation_page_highlights_a_difference(client, staff, imported):
    signed_in(client, staff, "finance")
    page = client.get("/reports/reconciliation?date=2026-11-18&days=3").get_data(as_text=True)
    assert page.count("row-mismatch") == 1 and "-800.00" in page


def test_the_reconciliation_counts_the_causes_it_does_not_list(
    client, staff, imported, monkeypatch
):
    from reconcile.db import reconciliation_store

    monkeypatch.setattr(reconciliation_store, "LISTED", 0)
    signed_in(client, staff, "finance")
    query = {"date": "2026-11-18", "days": "1"}
    page = client.get("/reports/reconciliation", query_string=query).get_data(as_text=True)
    assert "可疑支出 共 1 笔，合计 -800.00" in " ".join(page.split())
    text = client.get("/reports/reconciliation.csv", query_string=query).data.decode("utf-8-sig")
    assert "可疑支出 共 1 笔，合计 -800.00" in text


def test_the_cli_creates_a_staff_user_who_can_sign_in(client, court, database_url, monkeypatch):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    monkeypatch.setenv("RECONCILE_PASSWORD", PASSWORD)
    result = CliRunner().invoke(
        cli, ["users", "create", "--username", "li", "--role", "finance", "--court", court.code]
    )
    assert result.exit_code == 0, result.output
    assert sign_in(client, "li").headers["Location"] == "/"


def test_every_message_the_templates_use_is_in_both_languages():
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_.]+)'", template.read_text()))
    complete = {key for key in used if not key.endswith((".", "_"))}  # others are prefixes
    assert complete - set(MESSAGES) == set()
    assert [k for k, (zh, en) in MESSAGES.items() if not zh] == []


def _orphans(client, imported) -> list[dict]:
    """Return the orphans of the imported statement, through the API."""
    court = imported["court"]
    response = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    )
    return response.get_json()["items"]
