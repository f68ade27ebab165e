"""One credit split across cases, many orphans assigned at once, through the HTTP API.

A respondent pays three cases in one transfer: finance places each part on its case,
the rest stays an orphan; every part is audited, told to the case's subscriber, dated by
the bank's booking day, and can be taken off again by reversing entries.
"""

from datetime import date

import pytest
from sqlalchemy import select

from reconcile.db.tables import audit_records, ledger_entries
from reconcile.db.tables_alerts import case_events
from tests.integration.payments import balance
from tests.integration.statement_files import Row, csv_statement, upload


@pytest.fixture
def orphans(client, court):
    """Import three unidentifiable credits; return them, oldest first."""
    rows = [
        Row("2026-03-02", "10000.00", "北京远航物流有限公司", "0109014170001111", "还款", "", "S1"),
        Row("2026-03-03", "250.50", "某某公司", "6217000000000002", "货款", "", "S2"),
        Row("2026-03-04", "99.99", "某人", "6217000000000003", "转账", "", "S3"),
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    return transactions(client, court, status="orphan")


def transactions(client, court, **query) -> list[dict]:
    response = client.get(
        "/api/v1/transactions", query_string=query, headers=court.headers("finance")
    )
    return response.get_json()["items"]


def post(client, court, path: str, body: dict, role: str = "finance"):
    return client.post(f"/api/v1{path}", json=body, headers=court.headers(role))


def events(engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(case_events.c.case_id, case_events.c.event, case_events.c.facts).order_by(
                case_events.c.id
            )
        ).all()
    return [tuple(row) for row in rows]


def test_a_split_places_each_part_on_its_case_and_leaves_the_rest_an_orphan(
    client, court, register_case, orphans, engine
):
    a, b, c = (register_case() for _ in range(3))
    credit = orphans[0]
    response = post(
        client,
        court,
        f"/transactions/{credit['id']}/split",
        {
            "parts": [
                {"case_id": a["id"], "amount": "4000.00"},
                {"case_id": b["id"], "amount": "3500.25"},
                {"case_id": c["id"], "amount": "0.01"},
            ],
            "reason": "被执行人一笔付三案，来函说明",
        },
    )
    assert response.status_code == 200, response.get_json()
    line = response.get_json()
    assert (line["status"], line["match_rule"], line["case_id"]) == ("orphan", "split", None)
    assert line["unplaced_amount"] == "2499.74"
    assert [(p["case_id"], p["amount"], p["arrived_on"]) for p in line["parts"]] == [
        (a["id"], "4000.00", "2026-03-02"),
        (b["id"], "3500.25", "2026-03-02"),
        (c["id"], "0.01", "2026-03-02"),
    ]
    assert [balance(client, court, case["id"])["received"] for case in (a, b, c)] == [
        "4000.00",
        "3500.25",
        "0.01",
    ]
    [still] = [o for o in transactions(client, court, status="orphan") if o["id"] == credit["id"]]
    assert still["unplaced_amount"] == "2499.74"
    on_b = transactions(client, court, case_id=b["id"])
    assert [t["id"] for t in on_b] == [credit["id"]]
    assert events(engine) == [
        (a["id"], "money_received", {"amount": "4000.00", "payments": 1}),
        (b["id"], "money_received", {"amount": "3500.25", "payments": 1}),
        (c["id"], "money_received", {"amount": "0.01", "payments": 1}),
    ]
    with engine.connect() as conn:
        audited = conn.execute(
            select(audit_records.c.action, audit_records.c.after)
            .where(audit_records.c.action.like("transaction.%"))
            .order_by(audit_records.c.seq)
        ).all()
    assert [row.action for row in audited] == ["transaction.part_placed"] * 3 + [
        "transaction.split"
    ]
    assert [row.after["amount"] for row in audited[:3]] == ["4000.00", "3500.25", "0.01"]


def test_a_split_that_places_all_of_the_credit_matches_it(client, court, register_case, orphans):
    a, b = register_case(), register_case()
    credit = orphans[1]
    parts = [{"case_id": a["id"], "amount": "200.00"}, {"case_id": b["id"], "amount": "50.50"}]
    line = post(
        client, court, f"/transactions/{credit['id']}/split", {"parts": parts, "reason": "分案"}
    ).get_json()
    assert (line["status"], line["match_rule"], line["unplaced_amount"]) == (
        "matched",
        "split",
        "0.00",
    )
    alerts = client.get(
        "/api/v1/alerts",
        query_string={"kind": "orphan_funds", "status": "open"},
        headers=court.headers("desk"),
    ).get_json()["items"]
    assert credit["id"] not in [alert["transaction_id"] for alert in alerts]


def test_the_rest_of_a_split_can_be_assigned_or_split_again(client, court, register_case, orphans):
    a, b = register_case(), register_case()
    credit = orphans[0]
    post(
        client,
        court,
        f"/transactions/{credit['id']}/split",
        {"parts": [{"case_id": a["id"], "amount": "6000.00"}], "reason": "第一部分"},
    )
    line = post(
        client,
        court,
        f"/transactions/{credit['id']}/assign",
        {"case_id": b["id"], "reason": "余款属另案"},
    ).get_json()
    assert (line["status"], line["unplaced_amount"]) == ("matched", "0.00")
    assert balance(client, court, b["id"])["received"] == "4000.00"


def test_parts_adding_up_to_more_than_the_credit_are_refused_and_change_nothing(
    client, court, register_case, orphans, engine
):
    a, b = register_case(), register_case()
    credit = orphans[2]
    response = post(
        client,
        court,
        f"/transactions/{credit['id']}/split",
        {
            "parts": [
                {"case_id": a["id"], "amount": "50.00"},
                {"case_id": b["id"], "amount": "50.00"},
            ],
            "reason": "超额",
        },
    )
    assert response.status_code == 422
    problem = response.get_json()
    assert (problem["code"], problem["parts_total"], problem["unplaced_amount"]) == (
        "validation_error",
        "100.00",
        "99.99",
    )
    assert "parts" in problem["errors"]
    assert balance(client, court, a["id"])["received"] == "0.00"
    assert events(engine) == []


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ([], "parts"),
        ([{"case_id": 1, "amount": 1}], "parts"),
        ([{"case_id": 1, "amount": "0.00"}], "parts"),
        ([{"case_id": 1, "amount": "1.001"}], "parts"),
    ],
)
def test_malformed_parts_are_refused(client, court, orphans, parts, field):
    response = post(
        client, court, f"/transactions/{orphans[0]['id']}/split", {"parts": parts, "reason": "x"}
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_the_same_case_twice_a_closed_case_and_a_matched_line_are_refused(
    client, court, register_case, orphans
):
    a, closed = register_case(), register_case()
    client.patch(
        f"/api/v1/cases/{closed['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    twice = [{"case_id": a["id"], "amount": "1.00"}, {"case_id": a["id"], "amount": "2.00"}]
    path = f"/transactions/{orphans[0]['id']}/split"
    assert post(client, court, path, {"parts": twice, "reason": "x"}).status_code == 422
    to_closed = [{"case_id": closed["id"], "amount": "1.00"}]
    refused = post(client, court, path, {"parts": to_closed, "reason": "x"})
    assert (refused.status_code, refused.get_json()["code"]) == (409, "case_closed")
    all_of_it = [{"case_id": a["id"], "amount": "10000.00"}]
    assert post(client, court, path, {"parts": all_of_it, "reason": "x"}).status_code == 200
    again = post(
        client, court, path, {"parts": [{"case_id": a["id"], "amount": "1.00"}], "reason": "x"}
    )
    assert (again.status_code, again.get_json()["code"]) == (409, "illegal_transition")
    assert (
        post(
            client, court, path, {"parts": all_of_it, "reason": "x"}, role="enforcement"
        ).status_code
        == 403
    )


def test_a_part_is_taken_off_by_reversing_entries_and_the_money_returns_to_the_orphan(
    client, court, register_case, orphans, engine
):
    a, b = register_case(), register_case()
    credit = orphans[0]
    line = post(
        client,
        court,
        f"/transactions/{credit['id']}/split",
        {
            "parts": [
                {"case_id": a["id"], "amount": "7000.00"},
                {"case_id": b["id"], "amount": "3000.00"},
            ],
            "reason": "分案",
        },
    ).get_json()
    assert line["status"] == "matched"
    unnamed = post(client, court, f"/transactions/{credit['id']}/unassign", {"reason": "错"})
    assert (unnamed.status_code, "part_id" in unnamed.get_json()["errors"]) == (422, True)
    part_b = line["parts"][1]["id"]
    taken = post(
        client,
        court,
        f"/transactions/{credit['id']}/unassign",
        {"reason": "乙案金额有误", "part_id": part_b},
    )
    assert taken.status_code == 200, taken.get_json()
    after = taken.get_json()
    assert (after["status"], after["unplaced_amount"], after["orphan_reason"]) == (
        "orphan",
        "3000.00",
        "unassigned",
    )
    assert [p["case_id"] for p in after["parts"]] == [a["id"]]
    assert balance(client, court, b["id"])["received"] == "0.00"
    assert balance(client, court, a["id"])["received"] == "7000.00"
    twice = post(
        client, court, f"/transactions/{credit['id']}/unassign", {"reason": "x", "part_id": part_b}
    )
    assert twice.status_code == 404
    with engine.connect() as conn:
        reversing = conn.execute(
            select(ledger_entries.c.amount, ledger_entries.c.reverses_entry_id).where(
                ledger_entries.c.kind == "assignment_reversed"
            )
        ).all()
    assert sorted(r.amount for r in reversing) == [-300000, 300000]
    assert all(r.reverses_entry_id for r in reversing)
    assert events(engine)[-1] == (
        b["id"],
        "money_reversed",
        {
            "amount": "3000.00",
            "statement_id": credit["statement_id"],
            "statement_void_id": None,
            "reason": "乙案金额有误",
        },
    )


def test_a_part_whose_money_is_used_cannot_be_taken_off(client, court, register_case, orphans):
    a = register_case()
    credit = orphans[0]
    line = post(
        client,
        court,
        f"/transactions/{credit['id']}/split",
        {"parts": [{"case_id": a["id"], "amount": "5000.00"}], "reason": "部分"},
    ).get_json()
    client.post(
        f"/api/v1/cases/{a['id']}/holds",
        json={"amount": "4000.00", "reason": "异议", "document_reference": "（2026）京0105执异1号"},
        headers=court.headers("enforcement"),
    )
    response = post(
        client,
        court,
        f"/transactions/{credit['id']}/unassign",
        {"reason": "撤回", "part_id": line["parts"][0]["id"]},
    )
    assert (response.status_code, response.get_json()["code"]) == (422, "insufficient_available")
    assert balance(client, court, a["id"])["received"] == "5000.00"


def test_the_refund_of_a_split_orphan_is_only_what_is_left(client, court, register_case, orphans):
    a = register_case()
    credit = orphans[0]
    post(
        client,
        court,
        f"/transactions/{credit['id']}/split",
        {"parts": [{"case_id": a["id"], "amount": "9000.00"}], "reason": "部分"},
    )
    refund = post(client, court, f"/transactions/{credit['id']}/refund", {"reason": "余款退回"})
    assert refund.status_code == 200
    disbursement = client.get(
        f"/api/v1/disbursements/{refund.get_json()['refund_disbursement_id']}",
        headers=court.headers("finance"),
    ).get_json()
    assert disbursement["amount"] == "1000.00"


def test_bulk_assignment_places_every_item(client, court, register_case, orphans, engine):
    a, b = register_case(), register_case()
    items = [
        {"transaction_id": orphans[2]["id"], "case_id": b["id"]},
        {"transaction_id": orphans[0]["id"], "case_id": a["id"]},
        {"transaction_id": orphans[1]["id"], "case_id": b["id"]},
    ]
    response = post(
        client, court, "/transactions/assign-bulk", {"items": items, "reason": "批量认领"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["assigned"] == 3
    assert [(t["id"], t["status"], t["case_id"]) for t in body["items"]] == [
        (orphans[2]["id"], "matched", b["id"]),
        (orphans[0]["id"], "matched", a["id"]),
        (orphans[1]["id"], "matched", b["id"]),
    ]
    assert balance(client, court, a["id"])["received"] == "10000.00"
    assert balance(client, court, b["id"])["received"] == "350.49"
    assert transactions(client, court, status="orphan") == []
    assert sorted((e[0], e[2]["amount"]) for e in events(engine)) == sorted(
        [(b["id"], "99.99"), (a["id"], "10000.00"), (b["id"], "250.50")]
    )


@pytest.mark.parametrize("bad", ["closed_case", "matched_line", "unknown_line", "repeated_line"])
def test_bulk_assignment_with_one_bad_item_names_it_and_changes_nothing(
    client, court, register_case, orphans, engine, bad
):
    a, closed = register_case(), register_case()
    client.patch(
        f"/api/v1/cases/{closed['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    items = [
        {"transaction_id": orphans[0]["id"], "case_id": a["id"]},
        {"transaction_id": orphans[1]["id"], "case_id": a["id"]},
    ]
    if bad == "closed_case":
        items.append({"transaction_id": orphans[2]["id"], "case_id": closed["id"]})
    elif bad == "matched_line":
        post(
            client,
            court,
            f"/transactions/{orphans[2]['id']}/assign",
            {"case_id": a["id"], "reason": "先认领"},
        )
        items.append({"transaction_id": orphans[2]["id"], "case_id": a["id"]})
    elif bad == "unknown_line":
        items.append({"transaction_id": 987654321, "case_id": a["id"]})
    else:
        items.append({"transaction_id": orphans[0]["id"], "case_id": a["id"]})
    before = balance(client, court, a["id"])["received"]
    before_events = events(engine)
    response = post(client, court, "/transactions/assign-bulk", {"items": items, "reason": "批量"})
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert (problem["code"], problem["item"], problem["transaction_id"]) == (
        "validation_error",
        2,
        items[2]["transaction_id"],
    )
    assert "items.2" in problem["errors"]
    assert balance(client, court, a["id"])["received"] == before
    assert events(engine) == before_events
    assert {o["id"] for o in transactions(client, court, status="orphan")} >= {
        orphans[0]["id"],
        orphans[1]["id"],
    }


def test_bulk_assignment_is_for_finance(client, court, register_case, orphans):
    a = register_case()
    items = [{"transaction_id": orphans[0]["id"], "case_id": a["id"]}]
    body = {"items": items, "reason": "批量"}
    assert post(client, court, "/transactions/assign-bulk", body, role="desk").status_code == 403
    assert (
        post(client, court, "/transactions/assign-bulk", {"items": [], "reason": "x"}).status_code
        == 422
    )


def test_a_split_part_is_dated_by_the_banks_booking_day(client, court, register_case, orphans):
    a = register_case()
    line = post(
        client,
        court,
        f"/transactions/{orphans[1]['id']}/split",
        {"parts": [{"case_id": a["id"], "amount": "100.00"}], "reason": "部分"},
    ).get_json()
    assert date.fromisoformat(line["parts"][0]["arrived_on"]) == date(2026, 3, 3)
    assert line["booked_on"] == "2026-03-03"


def test_manual_assignment_and_unassignment_tell_the_case_as_the_import_does(
    client, court, register_case, orphans, engine
):
    a = register_case()
    rows = [Row("2026-03-05", "70.00", "张伟", "6222020200112233445", "执行款", "", "S4")]
    upload(client, court, csv_statement(rows, opening="10350.49"))
    [placed] = transactions(client, court, case_id=a["id"])
    assert events(engine) == [(a["id"], "money_received", {"amount": "70.00", "payments": 1})]
    post(
        client,
        court,
        f"/transactions/{orphans[1]['id']}/assign",
        {"case_id": a["id"], "reason": "确认"},
    )
    post(client, court, f"/transactions/{placed['id']}/unassign", {"reason": "付款人另有他案"})
    assert events(engine)[1:] == [
        (a["id"], "money_received", {"amount": "250.50", "payments": 1}),
        (
            a["id"],
            "money_reversed",
            {
                "amount": "70.00",
                "statement_id": placed["statement_id"],
                "statement_void_id": None,
                "reason": "付款人另有他案",
            },
        ),
    ]
    assert balance(client, court, a["id"])["received"] == "250.50"
