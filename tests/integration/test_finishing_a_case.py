"""A case finished end to end through the API (#17): money arrives, the execution fee is
settled, two applicants are paid by a distribution plan after its objection period, the
surplus goes back to the respondent, and the case closes as 执行完毕 — balance zero, no
critical alert, every step audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reconcile.clock import local_today
from reconcile.db.tables import audit_records
from reconcile.services.distribution_plans import execute_due_plans
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_distribution_plans import ACCOUNT_A, ACCOUNT_B, APPLICANTS

FEE_ACCOUNT = "0200009999"  #: the court's registered account (tests/integration/conftest.py)
RESPONDENT = "6222020200112233445"  #: 张伟's, in conftest's case_body


def approve(client, court, disbursement_id):
    response = client.post(
        f"/api/v1/disbursements/{disbursement_id}/approve",
        json={},
        headers=court.headers("approver"),
    )
    assert response.status_code == 200, response.get_json()


def test_a_case_is_finished_by_a_plan_and_closed_with_nothing_on_it(
    client, court, register_case, engine, settings
):
    enforcement = court.headers("enforcement")
    applicants = [
        {**APPLICANTS[0], "amount_due": "30000.00", "order": 1},
        {**APPLICANTS[1], "amount_due": "60000.00", "order": 2},
    ]
    case = register_case(applicants=applicants, amount_due="90000.00")
    today = local_today().isoformat()

    arrived = csv_statement(
        [Row(today, "100000.00", "张伟", RESPONDENT, "执行款", case["sub_account_number"], "C1")]
    )
    assert upload(client, court, arrived).get_json()["credits_matched"] == 1

    fee = client.get(f"/api/v1/cases/{case['id']}/execution-fee", headers=enforcement).get_json()[
        "fee"
    ]
    assert fee == "1400.00"  # 50.00 + 1.5% of 90,000.00 (art. 14)
    made = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"kind": "fee", "amount": fee, "payee_account_number": FEE_ACCOUNT},
        headers=enforcement,
    )
    assert made.status_code == 201, made.get_json()
    approve(client, court, made.get_json()["id"])

    draft = client.get(
        f"/api/v1/cases/{case['id']}/distribution-plans/draft", headers=enforcement
    ).get_json()
    assert (draft["fee_unpaid"], draft["distributable"]) == ("0.00", "98600.00")
    claims = [{"party_id": a["party_id"], "amount": a["claim"]} for a in draft["applicants"]]
    plan = client.post(
        f"/api/v1/cases/{case['id']}/distribution-plans",
        json={
            "method": "pro_rata",
            "claims": claims,
            "document_reference": "（2026）京0105执分5号",
            "served_on": (local_today() - timedelta(days=30)).isoformat(),
        },
        headers=enforcement,
    )
    assert plan.status_code == 201, plan.get_json()
    assert [s["share"] for s in plan.get_json()["shares"]] == ["30000.00", "60000.00"]
    assert plan.get_json()["surplus"] == "8600.00"

    assert execute_due_plans(engine, settings)["requests"] == 2
    executed = client.get(
        f"/api/v1/distribution-plans/{plan.get_json()['id']}", headers=enforcement
    ).get_json()
    for share in executed["shares"]:
        approve(client, court, share["disbursement_id"])

    refund = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={
            "kind": "respondent_refund",
            "amount": "8600.00",
            "payee_account_number": RESPONDENT,
            "document_reference": "（2026）京0105执5号之一",
        },
        headers=enforcement,
    )
    assert refund.status_code == 201, refund.get_json()
    approve(client, court, refund.get_json()["id"])

    paid_out = csv_statement(
        [
            Row(today, "-1400.00", "北京市朝阳区人民法院", FEE_ACCOUNT, "执行费", "", "D1"),
            Row(today, "-30000.00", "北京华信商贸有限公司", ACCOUNT_A, "案款", "", "D2"),
            Row(today, "-60000.00", "李明", ACCOUNT_B, "案款", "", "D3"),
            Row(today, "-8600.00", "张伟", RESPONDENT, "退还余款", "", "D4"),
        ],
        opening="100000.00",
    )
    report = upload(client, court, paid_out, name="paid.csv").get_json()
    assert (report["debits_reconciled"], report["debits_flagged"]) == (4, 0), report

    closed = client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=enforcement,
    )
    assert closed.status_code == 200, closed.get_json()
    shown = closed.get_json()
    assert shown["balance"]["received"] == shown["balance"]["paid"] == "100000.00"
    assert shown["balance"]["available"] == "0.00"
    assert [a["due"] for a in shown["applicants"]] == ["0.00", "0.00"]
    alerts = client.get("/api/v1/alerts", headers=court.headers("desk")).get_json()["items"]
    assert [a for a in alerts if a["severity"] == "critical"] == []
    with engine.connect() as conn:
        actions = set(conn.execute(select(audit_records.c.action)).scalars())
    assert {
        "distribution_plan.issued",
        "distribution_plan.executed",
        "hold.placed",
        "hold.released",
        "case.closed",
    } <= actions
