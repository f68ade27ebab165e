"""Statement voids under concurrency, on PostgreSQL with real parallel connections (#15)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from reconcile.db.tables import ledger_entries
from reconcile.db.tables_statements import statement_imports
from tests.integration import payments
from tests.integration.payments import balance
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people
le = ledger_entries.c


def _file(case) -> bytes:
    return csv_statement(
        [
            Row("2026-11-02", "800.00", "王五", "622277", "", case["sub_account_number"], "T1"),
            Row("2026-11-02", "200.00", "某某公司", "123456", "货款", reference="T2"),
        ]
    )


def _asked(client, court, statement_id: int) -> dict:
    response = client.post(
        f"/api/v1/statements/{statement_id}/void",
        json={"reason": "误导入"},
        headers=court.headers("finance"),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _reversals(engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(le.reverses_entry_id.is_not(None))
        return conn.execute(query.select_from(ledger_entries)).scalar_one()


@pytest.mark.postgres
def test_concurrent_approvals_of_one_void_reverse_the_import_once(
    app, client, court, register_case, people, engine
):
    case = register_case()
    report = upload(client, court, _file(case)).get_json()
    void = _asked(client, court, report["id"])
    approvers = [people("approver", f"审批人{i}") for i in range(6)]

    def approve(headers):
        with app.test_client() as c:
            url = f"/api/v1/statement-voids/{void['id']}/approve"
            return c.post(url, json={}, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(approve, approvers + approvers))
    assert statuses.count(200) == 1 and set(statuses) <= {200, 409}
    assert _reversals(engine) == 2
    assert balance(client, court, case["id"])["received"] == "0.00"


@pytest.mark.postgres
def test_an_import_racing_a_void_is_either_the_duplicate_or_a_fresh_import(
    app, client, court, register_case, people, engine
):
    case = register_case()
    data = _file(case)
    report = upload(client, court, data).get_json()
    void = _asked(client, court, report["id"])
    approver = people("approver", "李审批")

    def approve(_):
        with app.test_client() as c:
            url = f"/api/v1/statement-voids/{void['id']}/approve"
            return c.post(url, json={}, headers=approver).status_code

    def reimport(_):
        with app.test_client() as c:
            return upload(c, court, data).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        approving = pool.submit(approve, 0)
        imports = list(pool.map(reimport, range(3)))
    assert approving.result() == 200
    assert set(imports) <= {200, 201} and imports.count(201) <= 1
    assert _reversals(engine) == 2
    with engine.connect() as conn:
        live = conn.execute(
            select(func.count())
            .select_from(statement_imports)
            .where(statement_imports.c.voided_at.is_(None))
        ).scalar_one()
    fresh = imports.count(201)
    assert live == fresh
    assert balance(client, court, case["id"])["received"] == ("800.00" if fresh else "0.00")
    if not fresh:  # every import lost the race: the file is free now
        assert upload(client, court, data).status_code == 201
        assert balance(client, court, case["id"])["received"] == "800.00"
