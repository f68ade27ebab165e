"""Issue #18: lines that are not case money (利息, 手续费, 本院划转) are recognised by rules
the finance office keeps as data (GET/POST /line-rules, PATCH /line-rules/{id}), every
change audited; the import and its preview apply them; a rule is tried on past lines
(GET /line-rules/{id}/matches); the daily reconciliation still balances."""

from __future__ import annotations

import re

from sqlalchemy import select

from reconcile.db.tables import audit_records as audit_log
from tests.integration import payments
from tests.integration.payments import balance
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]

people = payments.people

BANK = "中国工商银行北京朝阳支行"
INTEREST = {"name": "结息", "direction": "credit", "remark_text": "结息", "outcome": "interest"}
FEE = {
    "name": "手续费",
    "direction": "debit",
    "counterparty_name": BANK,
    "remark_pattern": r"手续费|年费",
    "amount_max": "100.00",
    "outcome": "bank_fee",
}


def create(client, court, body: dict, role: str = "finance"):
    return client.post(
        "/api/v1/line-rules", json={"court": court.code, **body}, headers=court.headers(role)
    )


def lines(client, court, status: str) -> list[dict]:
    return client.get(
        "/api/v1/transactions", query_string={"status": status}, headers=court.headers("finance")
    ).get_json()["items"]


def reconciliation(client, court, day: str) -> dict:
    return client.get(
        "/api/v1/reports/reconciliation",
        query_string={"account": court.account, "date": day},
        headers=court.headers("finance"),
    ).get_json()


STATEMENT = [
    Row("2026-03-20", "12.34", BANK, "", "季度结息", reference="R1"),
    Row("2026-03-20", "-20.00", BANK, "", "账户管理费 年费", reference="R2"),
    Row("2026-03-20", "500.00", "李强", "6217000011112222", "还款", reference="R3"),
]


def test_finance_keeps_rules_and_every_change_is_audited(client, court, engine):
    made = create(client, court, INTEREST)
    assert made.status_code == 201, made.get_json()
    rule = made.get_json()
    assert (rule["outcome"], rule["active"], rule["created_by"]) == ("interest", True, "finance")
    assert create(client, court, INTEREST).status_code == 409  # the name is the court's
    assert create(client, court, {**FEE, "name": "x"}, role="enforcement").status_code == 403
    changed = client.patch(
        f"/api/v1/line-rules/{rule['id']}",
        json={"remark_text": "利息"},
        headers=court.headers("finance"),
    )
    assert changed.status_code == 200 and changed.get_json()["remark_text"] == "利息"
    off = client.patch(
        f"/api/v1/line-rules/{rule['id']}", json={"active": False}, headers=court.headers("finance")
    ).get_json()
    assert off["active"] is False and off["updated_by"] == "finance"
    listed = client.get("/api/v1/line-rules", headers=court.headers("desk")).get_json()["items"]
    assert [r["id"] for r in listed] == [rule["id"]]
    with engine.connect() as conn:
        trail = conn.execute(
            select(audit_log.c.action, audit_log.c.before, audit_log.c.after)
            .where(audit_log.c.entity_type == "line_rule")
            .order_by(audit_log.c.seq)
        ).all()
    assert [t.action for t in trail] == [
        "line_rule.created",
        "line_rule.changed",
        "line_rule.deactivated",
    ]
    assert (trail[1].before["remark_text"], trail[1].after["remark_text"]) == ("结息", "利息")
    assert (trail[2].before["active"], trail[2].after["active"]) == (True, False)


def test_bad_rules_are_refused_with_the_member_named(client, court, other_court, register_case):
    def refused(body):
        response = create(client, court, {"name": "r", "outcome": "interest", **body})
        assert response.status_code == 422, response.get_json()
        return response.get_json()

    assert refused({"remark_pattern": "(a+)+$"})["code"] == "unsafe_pattern"
    assert refused({"remark_pattern": "(.)\\1"})["code"] == "unsafe_pattern"
    assert refused({"remark_pattern": "("})["code"] == "unsafe_pattern"
    assert refused({"remark_pattern": "x" * 201})["code"] == "validation_error"
    assert "remark_text" in str(refused({"direction": "credit"}))  # no real condition
    assert refused({"remark_text": "a", "amount_min": 5})["code"] == "validation_error"
    assert refused({"remark_text": "a", "amount_min": "9.00", "amount_max": "1.00"})
    assert refused({"remark_text": "a", "outcome": "nowhere"})
    assert refused({"remark_text": "a", "outcome": "case"})  # no case, and not for credits
    case = register_case()
    names = refused({"remark_text": "a", "outcome": "case", "case_id": case["id"]})
    assert "direction" in str(names)
    other = create(client, other_court, {**INTEREST}, role="finance")
    assert other.status_code == 201
    # another court's rule does not exist for this court's staff
    assert (
        client.get(
            f"/api/v1/line-rules/{other.get_json()['id']}", headers=court.headers("finance")
        ).status_code
        == 404
    )
    assert (
        client.patch(
            "/api/v1/line-rules/999999", json={"active": False}, headers=court.headers("finance")
        ).status_code
        == 404
    )


def test_the_import_applies_active_rules_and_the_books_still_balance(client, court, staff):
    assert create(client, court, INTEREST).status_code == 201
    assert create(client, court, FEE).status_code == 201
    data = csv_statement(STATEMENT)
    preview = upload(client, court, data, query_string={"dry_run": "true"}).get_json()
    outcomes = [(line["outcome"], line["reason"], line["match_rule"]) for line in preview["lines"]]
    assert outcomes == [
        ("non_case", "interest", "line_rule"),
        ("non_case", "bank_fee", "line_rule"),
        ("orphan", "unidentified", None),
    ]
    report = upload(client, court, data).get_json()
    assert (report["orphans"], report["debits_flagged"], report["lines_non_case"]) == (1, 0, 2)
    [interest, fee] = lines(client, court, "non_case")
    assert interest["match_rule"] == "line_rule"
    assert interest["match_evidence"]["outcome"] == "interest"
    assert fee["match_evidence"]["outcome"] == "bank_fee"
    [orphan] = lines(client, court, "orphan")
    assert orphan["amount"] == "500.00"
    alerts = client.get("/api/v1/alerts", headers=court.headers("desk")).get_json()["items"]
    assert not [a for a in alerts if a["kind"] in ("unmatched_debit", "unauthorised_debit")]
    assert [a["kind"] for a in alerts if a.get("transaction_id") in (interest["id"],)] == []
    books = reconciliation(client, court, "2026-03-20")
    assert books["non_case"] == "-7.66"
    assert (books["status"], books["bank_balance"], books["difference"]) == (
        "ok",
        "492.34",
        "0.00",
    )
    sign_in(client, staff("finance", "会计"))
    page = client.get(
        "/reports/reconciliation", query_string={"date": "2026-03-20", "days": 1}
    ).get_data(as_text=True)
    assert re.search(r'data-testid="recon-non-case">\s*-7\.66', page), "the page shows it too"


def test_an_inactive_rule_is_not_applied_and_a_case_rule_places_credits(
    client, court, register_case
):
    case = register_case()
    off = create(client, court, {**INTEREST, "active": False}).get_json()
    assert off["active"] is False
    placing = create(
        client,
        court,
        {
            "name": "拍卖款",
            "direction": "credit",
            "counterparty_account": "6217 0000 1111 2222",
            "outcome": "case",
            "case_id": case["id"],
        },
    )
    assert placing.status_code == 201, placing.get_json()
    assert placing.get_json()["case_number"] == case["case_number"]
    report = upload(client, court, csv_statement(STATEMENT[:1] + STATEMENT[2:])).get_json()
    assert (report["credits_matched"], report["orphans"]) == (1, 1)
    [placed] = client.get(
        "/api/v1/transactions",
        query_string={"case_id": case["id"]},
        headers=court.headers("finance"),
    ).get_json()["items"]
    assert (placed["match_rule"], placed["match_evidence"]["line_rule_id"]) == (
        "line_rule",
        placing.get_json()["id"],
    )
    assert balance(client, court, case["id"])["received"] == "500.00"


def test_what_a_rule_would_have_matched_over_past_lines_is_paged(client, court):
    rows = [Row("2026-03-20", "1.00", BANK, "", f"结息 {i}", reference=f"I{i}") for i in range(5)]
    rows.append(Row("2026-03-20", "9.00", "李强", "", "还款", reference="P1"))
    upload(client, court, csv_statement(rows))
    rule = create(client, court, INTEREST).get_json()
    url = f"/api/v1/line-rules/{rule['id']}/matches"
    query = {"from": "2026-03-01", "to": "2026-03-31", "limit": 3}
    first = client.get(url, query_string=query, headers=court.headers("finance")).get_json()
    assert [line["remark"] for line in first["items"]] == ["结息 0", "结息 1", "结息 2"]
    assert first["items"][0]["status"] == "orphan"  # imported before the rule existed
    second = client.get(
        url, query_string={**query, "cursor": first["next_cursor"]}, headers=court.headers("desk")
    ).get_json()
    assert [line["remark"] for line in second["items"]] == ["结息 3", "结息 4"]
    assert second["next_cursor"] is None
    outside = client.get(
        url,
        query_string={"from": "2026-04-01", "to": "2026-04-30"},
        headers=court.headers("finance"),
    ).get_json()
    assert outside["items"] == []
    too_long = client.get(
        url,
        query_string={"from": "2024-01-01", "to": "2026-03-31"},
        headers=court.headers("finance"),
    )
    assert too_long.status_code == 422
    backwards = client.get(
        url,
        query_string={"from": "2026-03-31", "to": "2026-03-01"},
        headers=court.headers("finance"),
    )
    assert backwards.status_code == 422
    bad_cursor = client.get(url, query_string={"cursor": "!!"}, headers=court.headers("finance"))
    assert bad_cursor.status_code == 422


def test_finance_keeps_rules_on_the_staff_page(client, court, staff, engine):
    staff("finance", "王会计")
    sign_in(client, "王会计")
    page = client.get("/line-rules")
    assert page.status_code == 200 and "流水识别规则" in page.get_data(as_text=True)
    made = post_form(
        client, "/line-rules", "/line-rules",
        name="结息", direction="credit", remark_text="结息", outcome="interest",
        amount_min="", amount_max="50.00",
    )  # fmt: skip
    assert made.status_code == 302
    [rule] = client.get("/api/v1/line-rules", headers=court.headers("finance")).get_json()["items"]
    assert (rule["amount_max"], rule["created_by"]) == ("50.00", "王会计")
    refused = post_form(
        client, "/line-rules", "/line-rules", name="坏", remark_pattern="(a+)+", outcome="interest"
    )
    assert refused.status_code == 422 and "摘要模式不安全" in refused.get_data(as_text=True)
    saved = post_form(
        client, f"/line-rules/{rule['id']}", f"/line-rules/{rule['id']}",
        name="结息", direction="credit", remark_text="利息", outcome="interest", amount_max="",
    )  # fmt: skip
    assert saved.status_code == 302
    off = post_form(client, "/line-rules", f"/line-rules/{rule['id']}/active", active="false")
    assert off.status_code == 302
    shown = client.get(f"/api/v1/line-rules/{rule['id']}", headers=court.headers("finance"))
    assert shown.get_json()["active"] is False and shown.get_json()["amount_max"] is None
    html = client.get("/line-rules").get_data(as_text=True)
    assert "已停用" in html
    upload(client, court, csv_statement([Row("2026-03-20", "1.00", BANK, "", "利息")]))
    matches = client.get(
        f"/line-rules/{rule['id']}/matches", query_string={"from": "2026-03-01", "to": "2026-03-31"}
    ).get_data(as_text=True)
    assert matches.count('data-testid="matched-line"') == 1
    with engine.connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action).where(audit_log.c.entity_type == "line_rule")
        ).scalars()
        assert list(actions) == ["line_rule.created", "line_rule.changed", "line_rule.deactivated"]


def test_other_roles_see_the_rules_but_may_not_change_them(client, court, staff):
    create(client, court, INTEREST)
    staff("enforcement", "李法官")
    sign_in(client, "李法官")
    html = client.get("/line-rules").get_data(as_text=True)
    assert "结息" in html and 'data-testid="line-rule-form"' not in html
    assert client.get("/line-rules/1").status_code == 403


def test_a_line_that_is_not_case_money_is_never_assigned_and_is_voided_with_its_import(
    client, court, register_case, people
):
    case = register_case()
    create(client, court, INTEREST)
    create(client, court, FEE)
    report = upload(client, court, csv_statement(STATEMENT)).get_json()
    [interest, _fee] = lines(client, court, "non_case")
    assert interest["unplaced_amount"] == "0.00"
    assigned = client.post(
        f"/api/v1/transactions/{interest['id']}/assign",
        json={"case_id": case["id"], "reason": "试试"},
        headers=court.headers("finance"),
    )
    assert assigned.status_code == 409, assigned.get_json()
    refund = client.post(
        f"/api/v1/transactions/{interest['id']}/refund",
        json={"reason": "试试"},
        headers=court.headers("finance"),
    )
    assert refund.status_code == 409, refund.get_json()
    void = client.post(
        f"/api/v1/statements/{report['id']}/void",
        json={"reason": "误选专户"},
        headers=court.headers("finance"),
    ).get_json()
    decided = client.post(
        f"/api/v1/statement-voids/{void['id']}/approve",
        json={},
        headers=people("approver", "李审批"),
    )
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["summary"]["lines_voided"] == 3
    assert lines(client, court, "non_case") == []
    books = reconciliation(client, court, "2026-03-20")
    assert (books["non_case"], books["orphans"]) == ("0.00", "0.00")
