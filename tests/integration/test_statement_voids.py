"""Import history, each line's outcome, and voiding a wrong import through approval (#15)."""

from __future__ import annotations

import pytest

from tests.integration import payments
from tests.integration.payments import PAYEE, balance
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people


@pytest.fixture
def case(register_case):
    return register_case()


def rows(case) -> list[Row]:
    return [
        Row(
            "2026-11-02", "800.00", "王五", "6222777700001111", "", case["sub_account_number"], "T1"
        ),
        Row("2026-11-02", "200.00", "某某公司", "6228480010012345678", "货款", reference="T2"),
        Row("2026-11-03", "-50.00", "某人", "6222888877776666", "转账", reference="D1"),
    ]


def imported(client, court, case) -> tuple[bytes, dict]:
    data = csv_statement(rows(case))
    response = upload(client, court, data)
    assert response.status_code == 201, response.get_json()
    return data, response.get_json()


def ask_void(client, court, statement_id: int, role: str = "finance", **headers):
    return client.post(
        f"/api/v1/statements/{statement_id}/void",
        json={"reason": "误选专户：个人银行卡流水"},
        headers={**court.headers(role), **headers},
    )


def approve(client, void_id: int, headers: dict):
    return client.post(f"/api/v1/statement-voids/{void_id}/approve", json={}, headers=headers)


def test_the_history_lists_imports_newest_first_with_filters(client, court, case):
    _, first = imported(client, court, case)
    second = upload(client, court, csv_statement([Row("2026-11-20", "5.00", reference="X")]))
    found = client.get("/api/v1/statements", headers=court.headers("desk")).get_json()
    assert [s["id"] for s in found["items"]] == [second.get_json()["id"], first["id"]]
    item = found["items"][1]
    assert (item["imported_by"], item["status"], item["credits_matched"]) == (
        "finance",
        "imported",
        1,
    )
    assert item["period"] == {"start": "2026-11-02", "end": "2026-11-03"}
    only = client.get(
        "/api/v1/statements",
        query_string={"from": "2026-11-15", "account": court.account, "imported_by": "finance"},
        headers=court.headers("desk"),
    ).get_json()
    assert [s["id"] for s in only["items"]] == [second.get_json()["id"]]
    paged = client.get(
        "/api/v1/statements", query_string={"limit": 1}, headers=court.headers("desk")
    ).get_json()
    rest = client.get(
        "/api/v1/statements",
        query_string={"limit": 1, "cursor": paged["next_cursor"]},
        headers=court.headers("desk"),
    ).get_json()
    assert [s["id"] for s in paged["items"] + rest["items"]] == [s["id"] for s in found["items"]]


def test_the_lines_show_what_became_of_each_as_the_preview_does(client, court, case):
    _, report = imported(client, court, case)
    lines = client.get(
        f"/api/v1/statements/{report['id']}/lines", headers=court.headers("desk")
    ).get_json()["items"]
    assert [
        (x["line_number"], x["outcome"], x["case_number"], x["reason"], x["amount"]) for x in lines
    ] == [
        (2, "matched", case["case_number"], None, "800.00"),
        (3, "orphan", None, "unidentified", "200.00"),
        (4, "flagged", None, "unauthorised", "50.00"),
    ]
    assert all(isinstance(x["transaction_id"], int) for x in lines)
    shown = client.get(f"/api/v1/statements/{report['id']}", headers=court.headers("desk"))
    assert shown.get_json() == report


def test_another_courts_statement_is_not_found(client, court, other_court, case):
    _, report = imported(client, court, case)
    for path in ("", "/lines"):
        response = client.get(
            f"/api/v1/statements/{report['id']}{path}", headers=other_court.headers("desk")
        )
        assert response.status_code == 404
    assert ask_void(client, other_court, report["id"]).status_code == 404


def test_an_approved_void_takes_the_import_back_and_frees_the_file(client, court, case, people):
    data, report = imported(client, court, case)
    before_alerts = client.get(
        "/api/v1/alerts", query_string={"status": "open"}, headers=court.headers("desk")
    ).get_json()["items"]
    assert {a["kind"] for a in before_alerts} >= {"orphan_funds", "unauthorised_debit"}
    asked = ask_void(client, court, report["id"])
    assert asked.status_code == 201, asked.get_json()
    void = asked.get_json()
    assert void["status"] == "requested" and void["statement"]["credits_matched"] == 1
    assert ask_void(client, court, report["id"]).get_json()["code"] == "statement_void_pending"
    assert approve(client, void["id"], court.headers("finance")).status_code == 403
    decided = approve(client, void["id"], people("approver", "李审批"))
    assert decided.status_code == 200, decided.get_json()
    body = decided.get_json()
    assert body["status"] == "approved"
    assert body["summary"]["entries_reversed"] == 2 and body["summary"]["lines_voided"] == 3
    assert balance(client, court, case["id"])["received"] == "0.00"
    lines = client.get(
        f"/api/v1/statements/{report['id']}/lines", headers=court.headers("desk")
    ).get_json()["items"]
    assert {x["outcome"] for x in lines} == {"void"}
    still_open = client.get(
        "/api/v1/alerts", query_string={"status": "open"}, headers=court.headers("desk")
    ).get_json()["items"]
    assert not [
        a for a in still_open if a["transaction_id"] in {x["transaction_id"] for x in lines}
    ]
    resolved = client.get(
        "/api/v1/alerts", query_string={"status": "resolved"}, headers=court.headers("desk")
    ).get_json()["items"]
    assert all(f"statement void #{void['id']}" in a["resolve_note"] for a in resolved)
    history = client.get("/api/v1/statements", headers=court.headers("desk")).get_json()
    assert (history["items"][0]["status"], history["items"][0]["id"]) == ("voided", report["id"])
    again = upload(client, court, data)
    assert again.status_code == 201, again.get_json()
    assert (again.get_json()["lines_new"], again.get_json()["credits_matched"]) == (3, 1)
    assert balance(client, court, case["id"])["received"] == "800.00"
    assert approve(client, void["id"], people("approver", "王审批")).status_code == 409


def test_a_void_tells_the_case_system_the_money_was_reversed(client, court, case, people, engine):
    from sqlalchemy import select

    from reconcile.db.tables_alerts import case_events

    _, report = imported(client, court, case)
    void = ask_void(client, court, report["id"]).get_json()
    approve(client, void["id"], people("approver", "李审批"))
    with engine.connect() as conn:
        events = conn.execute(
            select(case_events.c.event, case_events.c.case_id, case_events.c.facts)
        ).all()
    reversed_ = [e for e in events if e.event == "money_reversed"]
    assert [(e.case_id, e.facts["amount"]) for e in reversed_] == [(case["id"], "800.00")]


def test_a_rejected_void_leaves_the_import_as_it_was(client, court, case, people):
    data, report = imported(client, court, case)
    void = ask_void(client, court, report["id"]).get_json()
    rejected = client.post(
        f"/api/v1/statement-voids/{void['id']}/reject",
        json={"note": "流水无误"},
        headers=people("approver", "李审批"),
    )
    assert rejected.get_json()["status"] == "rejected"
    assert balance(client, court, case["id"])["received"] == "800.00"
    assert upload(client, court, data).get_json()["duplicate"] is True


def test_the_requester_never_approves_their_own_void(client, court, case):
    _, report = imported(client, court, case)
    void = ask_void(client, court, report["id"], role="admin").get_json()
    refused = approve(client, void["id"], court.headers("admin"))
    assert refused.status_code == 403


def test_only_finance_asks_for_a_void_and_with_a_reason(client, court, case):
    _, report = imported(client, court, case)
    assert ask_void(client, court, report["id"], role="enforcement").status_code == 403
    empty = client.post(
        f"/api/v1/statements/{report['id']}/void", json={"reason": ""},
        headers=court.headers("finance"),
    )  # fmt: skip
    assert empty.status_code == 422


# ---- refused while its money has been used since: one test per use ----


def refused_with(client, court, statement_id: int) -> set[str]:
    response = ask_void(client, court, statement_id)
    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert body["code"] == "statement_money_used"
    return {b["use"] for b in body["blockers"]}


def pay_request(client, court, case, amount="100.00"):
    response = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": amount, "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_void_is_refused_when_money_was_held(client, court, case):
    _, report = imported(client, court, case)
    held = client.post(
        f"/api/v1/cases/{case['id']}/holds",
        json={"amount": "100.00", "reason": "执行异议", "document_reference": "（2026）异1号"},
        headers=court.headers("enforcement"),
    )
    assert held.status_code == 201, held.get_json()
    assert refused_with(client, court, report["id"]) == {"held"}


def test_a_void_is_refused_when_money_is_reserved_by_a_payment_request(client, court, case):
    _, report = imported(client, court, case)
    pay_request(client, court, case)
    assert refused_with(client, court, report["id"]) == {"reserved"}


def test_a_void_is_refused_when_money_was_paid_out(client, court, case, people):
    _, report = imported(client, court, case)
    payment = pay_request(client, court, case)
    approved = client.post(
        f"/api/v1/disbursements/{payment['id']}/approve", json={}, headers=court.headers("approver")
    )
    assert approved.status_code == 200, approved.get_json()
    paid = client.post(
        f"/api/v1/disbursements/{payment['id']}/mark-paid",
        json={"bank_reference": "ICBC1", "paid_on": "2026-11-04"},
        headers=court.headers("finance"),
    )
    assert paid.status_code == 200, paid.get_json()
    assert refused_with(client, court, report["id"]) == {"paid_out"}


def test_a_void_is_refused_when_an_orphan_was_assigned_onwards(client, court, case, register_case):
    _, report = imported(client, court, case)
    orphan = _line(client, court, report["id"], "orphan")
    other = register_case()
    assigned = client.post(
        f"/api/v1/transactions/{orphan['transaction_id']}/assign",
        json={"case_id": other["id"], "reason": "付款人来电确认"},
        headers=court.headers("finance"),
    )
    assert assigned.status_code == 200, assigned.get_json()
    assert refused_with(client, court, report["id"]) == {"assigned"}


def test_a_void_is_refused_when_an_orphan_was_refunded(client, court, case):
    _, report = imported(client, court, case)
    orphan = _line(client, court, report["id"], "orphan")
    refunded = client.post(
        f"/api/v1/transactions/{orphan['transaction_id']}/refund",
        json={"reason": "非本院案款，退回付款人"},
        headers=court.headers("finance"),
    )
    assert refunded.status_code == 200, refunded.get_json()
    assert refused_with(client, court, report["id"]) == {"refunded"}


def test_a_void_approved_after_money_moved_is_refused_and_changes_nothing(
    client, court, case, people
):
    _, report = imported(client, court, case)
    void = ask_void(client, court, report["id"]).get_json()
    pay_request(client, court, case)
    refused = approve(client, void["id"], people("approver", "李审批"))
    assert refused.status_code == 409 and refused.get_json()["code"] == "statement_money_used"
    assert balance(client, court, case["id"])["received"] == "800.00"
    assert (
        client.get(
            f"/api/v1/statement-voids/{void['id']}", headers=court.headers("desk")
        ).get_json()["status"]
        == "requested"
    )


def _line(client, court, statement_id: int, outcome: str) -> dict:
    lines = client.get(
        f"/api/v1/statements/{statement_id}/lines",
        query_string={"outcome": outcome},
        headers=court.headers("desk"),
    ).get_json()["items"]
    return lines[0]
