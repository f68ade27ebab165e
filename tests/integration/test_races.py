"""Races on PostgreSQL, with real parallel connections: whatever arrives at once, each yuan
moves once.

Each test starts its contenders on a barrier, one thread and one pooled connection each,
through the HTTP API (a test client per thread) or the use cases. What already exists in
test_disbursements_api.py (many approvals of a one-level request, more requests than a
case can fund) and test_idempotency.py (one key registering a case) is not repeated.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from reconcile.db.tables import ledger_entries
from reconcile.db.tables_payments import approvals, disbursements
from reconcile.db.tables_statements import statement_imports, statement_lines
from tests.integration import payments
from tests.integration.payments import PAYEE, balance
from tests.integration.statement_files import Row, csv_statement

pytestmark = pytest.mark.postgres

funded_case = payments.funded_case
people = payments.people

CONTENDERS = 8


def at_once(calls) -> list:
    """Run the calls in parallel threads released together; return their results in order."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def post(app, path, headers, **kwargs):
    with app.test_client() as c:
        response = c.post(path, headers=headers, **kwargs)
        return response.status_code, response.get_json()


def request_payment(client, court, case_id, amount, **headers):
    response = client.post(
        f"/api/v1/cases/{case_id}/disbursements",
        json={"amount": amount, "payee_account_number": PAYEE, "note": "发放"},
        headers=court.headers("enforcement", **headers),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_two_level_request_gets_exactly_two_approvals_from_many_approvers(
    app, client, court, funded_case, people, engine
):
    case = funded_case(300_000_00)
    made = request_payment(client, court, case["id"], "150000.00")
    approvers = [people("approver", f"审批人{i}") for i in range(CONTENDERS)]
    path = f"/api/v1/disbursements/{made['id']}/approve"
    outcomes = at_once([lambda h=h: post(app, path, h, json={}) for h in approvers])
    assert Counter(status for status, _ in outcomes) == {200: 2, 409: CONTENDERS - 2}
    assert count(engine, approvals, approvals.c.subject_id == made["id"]) == 2
    with engine.connect() as conn:
        levels = conn.execute(
            select(approvals.c.level).where(approvals.c.subject_id == made["id"])
        ).scalars()
        assert sorted(levels) == [1, 2]
    assert count(engine, ledger_entries, ledger_entries.c.kind == "disbursement_approved") == 2
    assert balance(client, court, case["id"])["approved_unpaid"] == "150000.00"


def test_an_approval_and_a_rejection_at_once_decide_the_request_once(
    app, client, court, funded_case, people, engine
):
    case = funded_case(10_000_00)
    made = request_payment(client, court, case["id"], "6000.00")
    calls = [
        lambda i=i: post(
            app,
            f"/api/v1/disbursements/{made['id']}/{'approve' if i % 2 else 'reject'}",
            people("approver", f"审批人{i}"),
            json={},
        )
        for i in range(CONTENDERS)
    ]
    outcomes = at_once(calls)
    assert Counter(status for status, _ in outcomes)[200] == 1
    [(_, decided)] = [(s, body) for s, body in outcomes if s == 200]
    figures = balance(client, court, case["id"])
    if decided["status"] == "approved":
        assert (figures["approved_unpaid"], figures["pending"]) == ("6000.00", "0.00")
    else:
        assert (figures["available"], figures["pending"]) == ("10000.00", "0.00")
    assert count(engine, approvals, approvals.c.subject_id == made["id"]) == 1


def test_requests_racing_an_unassignment_never_overdraw_the_case(
    app, client, court, register_case, engine, admin
):
    """The case's money is one credit from a statement; taking it off the case and paying
    it out at once cannot both succeed."""
    case = register_case()
    statement = csv_statement(
        [Row("2026-11-02", "1000.00", "张伟", "6222000000009999", "", case["sub_account_number"])]
    )
    upload = client.post(
        "/api/v1/statements",
        data={"file": (io.BytesIO(statement), "s.csv"), "account": court.account},
        content_type="multipart/form-data",
        headers=court.headers("finance"),
    )
    assert upload.status_code == 201
    [line] = client.get(
        "/api/v1/transactions", query_string={"status": "matched"}, headers=court.headers("finance")
    ).get_json()["items"]
    payment = {"amount": "1000.00", "payee_account_number": PAYEE, "note": "发放"}
    calls = [
        lambda: post(
            app,
            f"/api/v1/transactions/{line['id']}/unassign",
            court.headers("finance"),
            json={"reason": "分配错误"},
        ),
        *[
            lambda: post(
                app,
                f"/api/v1/cases/{case['id']}/disbursements",
                court.headers("enforcement"),
                json=payment,
            )
            for _ in range(CONTENDERS - 1)
        ],
    ]
    outcomes = [status for status, _ in at_once(calls)]
    assert outcomes.count(200) + outcomes.count(201) == 1
    figures = balance(client, court, case["id"])
    assert figures["available"] == "0.00" or figures["received"] == "0.00"
    spent = sum(Decimal(figures[k]) for k in ("pending", "approved_unpaid", "paid"))
    assert Decimal(figures["received"]) >= spent


def test_many_uploads_of_one_file_at_once_import_it_once(app, court, register_case, engine):
    case = register_case()
    rows = [
        Row("2026-11-02", f"{i}.00", "张伟", "6222000000009999", "", case["sub_account_number"])
        for i in range(1, 201)
    ]
    statement = csv_statement(rows)

    def upload():
        return post(
            app,
            "/api/v1/statements",
            court.headers("finance"),
            data={"file": (io.BytesIO(statement), "s.csv"), "account": court.account},
            content_type="multipart/form-data",
        )

    outcomes = at_once([upload] * CONTENDERS)
    assert Counter(status for status, _ in outcomes) == {201: 1, 200: CONTENDERS - 1}
    assert [body["duplicate"] for _, body in outcomes].count(False) == 1
    assert len({body["id"] for _, body in outcomes}) == 1
    assert count(engine, statement_imports) == 1
    assert count(engine, statement_lines) == 200
    assert count(engine, ledger_entries, ledger_entries.c.kind == "credit") == 200


def test_one_idempotency_key_from_many_clients_requests_one_payment(
    app, client, court, funded_case, engine
):
    case = funded_case(10_000_00)
    headers = court.headers("enforcement", **{"Idempotency-Key": "pay-once"})
    path = f"/api/v1/cases/{case['id']}/disbursements"
    body = {"amount": "3000.00", "payee_account_number": PAYEE, "note": "发放"}
    outcomes = at_once([lambda: post(app, path, headers, json=body)] * CONTENDERS * 2)
    assert {status for status, _ in outcomes} == {201}
    assert len({body["id"] for _, body in outcomes}) == 1
    assert count(engine, disbursements) == 1
    assert balance(client, court, case["id"])["pending"] == "3000.00"


def test_an_orphan_assigned_and_refunded_at_once_is_resolved_once(
    app, client, court, register_case, engine
):
    case = register_case()
    statement = csv_statement([Row("2026-11-02", "500.00", "丁", "6222000000000004", "货款")])
    client.post(
        "/api/v1/statements",
        data={"file": (io.BytesIO(statement), "s.csv"), "account": court.account},
        content_type="multipart/form-data",
        headers=court.headers("finance"),
    )
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    base = f"/api/v1/transactions/{orphan['id']}"
    assign = {"case_id": case["id"], "reason": "来电确认"}
    calls = [
        lambda i=i: post(
            app,
            f"{base}/assign" if i % 2 else f"{base}/refund",
            court.headers("finance"),
            json=assign if i % 2 else {"reason": "退回"},
        )
        for i in range(CONTENDERS)
    ]
    outcomes = at_once(calls)
    assert Counter(status for status, _ in outcomes) == {200: 1, 409: CONTENDERS - 1}
    [(_, winner)] = [(s, body) for s, body in outcomes if s == 200]
    received = balance(client, court, case["id"])["received"]
    refunds = count(engine, disbursements, disbursements.c.kind == "refund")
    if winner["status"] == "matched":
        assert (received, refunds) == ("500.00", 0)
    else:
        assert (winner["status"], received, refunds) == ("refunding", "0.00", 1)
