"""A month of a collection account through the API: every credit placed or flagged,
every debit explained or alerted, and the balances exactly what the money says."""

from datetime import date

import pytest
from sqlalchemy import select

from reconcile.db.tables import ledger_entries
from reconcile.services.deadlines import scan_deadlines
from tests.integration import payments
from tests.integration.payments import PAYEE, balance
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people
UNNAMED = "6222888877776666"


def typo(number: str) -> str:
    return number[:-3] + str((int(number[-3]) + 1) % 10) + number[-2:]


def bracketed(case: dict) -> str:
    return case["case_number"].replace("（", "(").replace("）", ")")


def alerts(client, court, kind: str) -> list[dict]:
    response = client.get(
        "/api/v1/alerts", query_string={"kind": kind}, headers=court.headers("desk")
    )
    return response.get_json()["items"]


@pytest.fixture
def month(client, court, register_case, people):
    """Register four cases, import credits, pay one case, import the debits."""
    a, b, c, d = (register_case() for _ in range(4))
    client.patch(
        f"/api/v1/cases/{c['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    credits = [
        Row("2026-11-02", "1000.00", "甲", "6222000000000001", "", a["sub_account_number"], "C1"),
        Row("2026-11-02", "2000.00", "乙", "6222000000000002", f"执行款{bracketed(b)}", "", "C2"),
        Row(
            "2026-11-03",
            "300.00",
            "丙",
            "6222000000000003",
            "",
            typo(a["sub_account_number"]),
            "C3",
        ),
        Row("2026-11-03", "50.00", "丁", "6222000000000004", "货款", "", "C4"),
        Row("2026-11-04", "400.00", "戊", "6222000000000005", "", c["sub_account_number"], "C5"),
        Row("2026-11-04", "5000.00", "己", "6222000000000006", "", d["sub_account_number"], "C6"),
    ]
    first = upload(client, court, csv_statement(credits)).get_json()
    request = client.post(
        f"/api/v1/cases/{d['id']}/disbursements",
        json={"amount": "3000.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    ).get_json()
    approved = client.post(
        f"/api/v1/disbursements/{request['id']}/approve",
        json={},
        headers=people("approver", "审批人"),
    )
    assert approved.get_json()["status"] == "approved"
    debits = [
        Row("2026-11-10", "-3000.00", "北京华信商贸有限公司", PAYEE, "案款发放", "", "D1"),
        Row("2026-11-10", "-100.00", "某人", UNNAMED, "转账", "", "D2"),
        Row("2026-11-11", "-3000.00", "北京华信商贸有限公司", PAYEE, "案款发放", "", "D3"),
    ]
    second = upload(client, court, csv_statement(debits, opening="8750.00")).get_json()
    return {"cases": (a, b, c, d), "first": first, "second": second, "payment": request}


def test_credits_land_on_exactly_one_case_or_are_orphans(client, court, month):
    a, b, c, d = month["cases"]
    assert (month["first"]["credits_matched"], month["first"]["orphans"]) == (3, 3)
    received = [balance(client, court, case["id"])["received"] for case in (a, b, c, d)]
    assert received == ["1000.00", "2000.00", "0.00", "5000.00"]
    orphans = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    assert [(o["amount"], o["orphan_reason"]) for o in orphans] == [
        ("300.00", "sub_account_check_failed"),
        ("50.00", "unidentified"),
        ("400.00", "closed_case"),
    ]
    assert orphans[0]["suggestions"][0]["case_id"] == a["id"]
    assert orphans[2]["suggestions"][0]["case_id"] == c["id"]


def test_the_debit_for_the_approved_payment_pays_it(client, court, month):
    d = month["cases"][3]
    assert month["second"]["debits_reconciled"] == 1
    assert month["second"]["debits_flagged"] == 2
    payment = client.get(
        f"/api/v1/disbursements/{month['payment']['id']}", headers=court.headers("finance")
    ).get_json()
    assert payment["status"] == "paid"
    assert balance(client, court, d["id"]) == {
        "received": "5000.00",
        "held": "0.00",
        "pending": "0.00",
        "approved_unpaid": "0.00",
        "paid": "3000.00",
        "available": "2000.00",
        "fees_paid": "0.00",
    }


def test_every_finding_is_alerted_once_with_its_severity(client, court, month):
    assert len(alerts(client, court, "orphan_funds")) == 2
    assert len(alerts(client, court, "closed_case_credit")) == 1
    [unauthorised] = alerts(client, court, "unauthorised_debit")
    assert unauthorised["severity"] == "critical"
    assert "100.00" in unauthorised["detail"]
    [duplicate] = alerts(client, court, "unmatched_debit")
    assert "3000.00" in duplicate["detail"]
    flagged = client.get(
        "/api/v1/transactions", query_string={"status": "flagged"}, headers=court.headers("finance")
    ).get_json()["items"]
    assert [f["bank_reference"] for f in flagged] == ["D2", "D3"]


def test_an_orphan_assigned_with_a_reason_reaches_the_case(client, court, month):
    a = month["cases"][0]
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][0]
    response = client.post(
        f"/api/v1/transactions/{orphan['id']}/assign",
        json={"case_id": a["id"], "reason": "付款人来电确认，子账号输错一位"},
        headers=court.headers("finance"),
    )
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["match_rule"]) == (
        "matched",
        "manual",
    )
    assert balance(client, court, a["id"])["received"] == "1300.00"
    [alert] = [
        x for x in alerts(client, court, "orphan_funds") if x["transaction_id"] == orphan["id"]
    ]
    assert alert["status"] == "resolved"


def test_an_assignment_is_reversed_by_reversing_entries(client, court, month):
    a = month["cases"][0]
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][0]
    client.post(
        f"/api/v1/transactions/{orphan['id']}/assign",
        json={"case_id": a["id"], "reason": "确认"},
        headers=court.headers("finance"),
    )
    response = client.post(
        f"/api/v1/transactions/{orphan['id']}/unassign",
        json={"reason": "分配错误"},
        headers=court.headers("finance"),
    )
    assert response.get_json()["status"] == "orphan"
    assert balance(client, court, a["id"])["received"] == "1000.00"
    ledger = client.get(
        f"/api/v1/cases/{a['id']}/ledger", headers=court.headers("finance")
    ).get_json()["items"]
    assert [(e["kind"], e["amount"]) for e in ledger][-2:] == [
        ("orphan_assigned", "300.00"),
        ("assignment_reversed", "-300.00"),
    ]


def test_an_orphan_refund_goes_through_approval_to_the_payers_own_account(
    client, court, month, people
):
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][1]
    response = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "非本院案款，退回付款人"},
        headers=court.headers("finance"),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "refunding"
    refund = client.get(
        f"/api/v1/disbursements/{body['refund_disbursement_id']}", headers=court.headers("finance")
    ).get_json()
    assert (refund["amount"], refund["payee_account_number"]) == ("50.00", "6222000000000004")
    assert refund["status"] == "requested"


def test_an_orphan_can_be_resolved_only_once(client, court, month):
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][1]
    client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "退回"},
        headers=court.headers("finance"),
    )
    again = client.post(
        f"/api/v1/transactions/{orphan['id']}/assign",
        json={"case_id": month["cases"][0]["id"], "reason": "x"},
        headers=court.headers("finance"),
    )
    assert again.status_code == 409


def reconciliation(client, court, day: str) -> dict:
    return client.get(
        "/api/v1/reports/reconciliation",
        query_string={"account": court.account, "date": day},
        headers=court.headers("finance"),
    ).get_json()


def test_the_bank_and_the_books_agree_while_every_yuan_is_explained(client, court, month):
    report = reconciliation(client, court, "2026-11-04")
    assert report["status"] == "ok"
    assert (report["bank_balance"], report["cases"], report["orphans"]) == (
        "8750.00",
        "8000.00",
        "750.00",
    )


def test_flagged_debits_are_the_lines_that_explain_a_difference(client, court, month):
    report = reconciliation(client, court, "2026-11-11")
    assert report["status"] == "mismatch"
    assert (report["bank_balance"], report["books"], report["difference"]) == (
        "2650.00",
        "5750.00",
        "-3100.00",
    )
    assert [(e["kind"], e["amount"], e["note"]) for e in report["explained_by"]] == [
        ("flagged_debit", "-100.00", "D2"),
        ("flagged_debit", "-3000.00", "D3"),
    ]
    assert report["unexplained"] == "0.00"


def test_a_day_before_any_statement_cannot_be_reconciled(client, court, month):
    assert reconciliation(client, court, "2026-10-01")["status"] == "not_available"


def test_the_daily_run_alerts_each_mismatching_day_once(engine, settings, client, court, month):
    from datetime import date

    from reconcile.services.reconciliation import run_daily_reconciliation

    assert run_daily_reconciliation(engine, settings, as_of=date(2026, 11, 12)) == 2
    assert run_daily_reconciliation(engine, settings, as_of=date(2026, 11, 12)) == 0
    days = sorted(a["detail"][3:13] for a in alerts(client, court, "balance_mismatch"))
    assert days == ["2026-11-10", "2026-11-11"]


def test_a_refund_once_paid_marks_its_orphan_refunded(client, court, month, people):
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][1]
    refund_id = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "退回"},
        headers=court.headers("finance"),
    ).get_json()["refund_disbursement_id"]
    client.post(
        f"/api/v1/disbursements/{refund_id}/approve", json={}, headers=people("approver", "审批人")
    )
    paid = client.post(
        f"/api/v1/disbursements/{refund_id}/mark-paid",
        json={"bank_reference": "RF1"},
        headers=court.headers("finance"),
    )
    assert paid.status_code == 200, paid.get_json()
    line = client.get(f"/api/v1/transactions/{orphan['id']}", headers=court.headers("finance"))
    assert line.get_json()["status"] == "refunded"


def test_a_rejected_refund_makes_the_credit_an_alerted_orphan_again(client, court, month, people):
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][1]
    refund_id = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "退回"},
        headers=court.headers("finance"),
    ).get_json()["refund_disbursement_id"]
    client.post(
        f"/api/v1/disbursements/{refund_id}/reject",
        json={"note": "付款人账户有误"},
        headers=people("approver", "审批人"),
    )
    line = client.get(f"/api/v1/transactions/{orphan['id']}", headers=court.headers("finance"))
    assert line.get_json()["status"] == "orphan"
    open_alerts = [
        a
        for a in alerts(client, court, "orphan_funds")
        if a["transaction_id"] == orphan["id"] and a["status"] == "open"
    ]
    assert len(open_alerts) == 1


def test_money_taken_off_a_case_starts_no_notice_clock(client, court, month, engine, settings):
    a = month["cases"][0]  # its only credit: 1000.00 booked 2026-11-02, matched by sub-account
    [credit] = [
        t
        for t in client.get(
            "/api/v1/transactions",
            query_string={"status": "matched"},
            headers=court.headers("finance"),
        ).get_json()["items"]
        if t["case_id"] == a["id"]
    ]
    url = f"/api/v1/cases/{a['id']}/deadlines?as_of=2026-11-30"
    assert [
        c["clock"] for c in client.get(url, headers=court.headers("desk")).get_json()["deadlines"]
    ] == ["notice"]
    client.post(
        f"/api/v1/transactions/{credit['id']}/unassign",
        json={"reason": "付款人指定的是另一案件"},
        headers=court.headers("finance"),
    )
    assert client.get(url, headers=court.headers("desk")).get_json()["deadlines"] == []
    scan_deadlines(engine, settings, date(2026, 11, 30))
    overdue = alerts(client, court, "notice_overdue")
    assert overdue, "the other cases' money is overdue: the scan ran"
    assert a["id"] not in {alert["case_id"] for alert in overdue}


def test_every_correction_names_the_entry_it_reverses(client, court, month, engine):
    a = month["cases"][0]
    orphan = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"][0]
    for verb, body in (("assign", {"case_id": a["id"], "reason": "确认"}), ("unassign", {})):
        client.post(
            f"/api/v1/transactions/{orphan['id']}/{verb}",
            json={"reason": "核对", **body},
            headers=court.headers("finance"),
        )
    with engine.connect() as conn:
        rows = conn.execute(
            select(ledger_entries).where(ledger_entries.c.transaction_id == orphan["id"])
        ).all()
    by_id = {r.id: r for r in rows}
    reversals = [r for r in rows if r.kind == "assignment_reversed"]
    assert len(reversals) == 2  # the case's entry and the suspense ledger's
    for r in reversals:
        original = by_id[r.reverses_entry_id]
        assert (original.kind, original.ledger_account_id) == (
            "orphan_assigned",
            r.ledger_account_id,
        )
        assert original.amount == -r.amount


def test_causes_beyond_those_listed_are_counted_and_summed(client, court, month, monkeypatch):
    from reconcile.db import reconciliation_store

    monkeypatch.setattr(reconciliation_store, "LISTED", 1)
    report = reconciliation(client, court, "2026-11-11")
    assert [(e["kind"], e["note"]) for e in report["explained_by"]] == [("flagged_debit", "D2")]
    assert report["explained_by_kind"] == [
        {"kind": "flagged_debit", "count": 2, "amount": "-3100.00"}
    ]
    assert report["unexplained"] == "0.00"  # from every cause, not the listed one
