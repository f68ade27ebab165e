"""The kept counts of disbursements (disbursement_counts, #20): after any sequence of what
the use cases do to payments they equal a recount, concurrent writers all count, the
migration counts the rows already there, and `ledger verify` finds a count that differs."""

from __future__ import annotations

import importlib.util
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, text, update

from reconcile.actors import cli_actor
from reconcile.db import disbursement_counts, migrate
from reconcile.db.tables_payments import disbursement_counts as kept_counts
from reconcile.db.tables_payments import disbursements
from reconcile.db.uow import UnitOfWork
from reconcile.disbursement_lists import DisbursementFilters
from reconcile.services import disbursement_lists
from reconcile.services.verification import disbursement_count_breaks
from tests.integration.court_flow import approve, request
from tests.integration.payments import PAYEE, people
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["people"]


def recount_agrees(engine) -> Counter:
    """Assert the kept counts equal a recount, and the lists' counts and 合计 read them;
    return the count of each status."""
    assert disbursement_count_breaks(engine) == []
    with engine.connect() as conn:
        status = disbursements.c.status
        by_status = Counter(dict(conn.execute(select(status, func.count()).group_by(status)).all()))
        paid = conn.execute(
            text("SELECT coalesce(sum(amount), 0) FROM disbursements WHERE status = 'paid'")
        ).scalar_one()
    reads, everyone = UnitOfWork(engine, read_only=True), cli_actor("counts")
    assert disbursement_lists.status_counts(reads, everyone, DisbursementFilters()) == by_status
    paid_tab = DisbursementFilters(statuses=("paid",))
    assert disbursement_lists.totals(reads, everyone, paid_tab) == {
        "count": by_status["paid"],
        "amount": paid,
    }
    return by_status


def test_payments_confirmed_and_returned_by_the_statement_are_counted_again(
    client, court, engine, register_case, people
):
    """The statement import's moves (the debit confirms: approved → paid; a credit from the
    payee returns it: paid → bounced) are counted with the import."""
    case = register_case()
    sub_account = case["sub_account_number"]
    credit = Row("2026-11-02", "10000.00", "张伟", "6222020200112233445", "", sub_account, "C1")
    upload(client, court, csv_statement([credit]))
    payment = request(client, case["id"], "6000.00", court.headers("enforcement")).get_json()
    other = request(client, case["id"], "4000.00", court.headers("enforcement")).get_json()
    for made in (payment, other):
        assert approve(client, made["id"], people("approver", "甲")).status_code == 200
    assert recount_agrees(engine) == {"approved": 2}
    client.post(f"/api/v1/disbursements/{other['id']}/mark-paid", json={"bank_reference": "D2"},
                headers=court.headers("finance"))  # fmt: skip
    assert recount_agrees(engine) == {"approved": 1, "marked_paid": 1}
    debits = [
        Row("2026-11-04", "-6000.00", "北京华信商贸有限公司", PAYEE, "案款发放", "", "D1"),
        Row("2026-11-04", "-4000.00", "北京华信商贸有限公司", PAYEE, "案款发放", "", "D2"),
    ]
    report = upload(client, court, csv_statement(debits, opening="10000.00")).get_json()
    assert report["debits_reconciled"] == 2, report
    assert recount_agrees(engine) == {"paid": 2}
    back = Row("2026-11-09", "6000.00", "北京华信商贸有限公司", PAYEE, "退款", "", "R1")
    upload(client, court, csv_statement([back], opening="0.00"))
    assert recount_agrees(engine) == {"paid": 1, "bounced": 1}


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_all_count(app, court, engine, register_case, people):
    """Eight workers request, approve and mark paid payments of their own cases at once,
    each on its own connection: every move adds to the same rows, and none is lost."""
    from tests.integration.money import credit_case

    cases = []
    for _ in range(8):
        case = register_case()
        credit_case(engine, case["id"], 100_000_00)
        cases.append(case["id"])
    approver = people("approver", "甲")
    enforcement, finance = court.headers("enforcement"), court.headers("finance")
    start = threading.Barrier(8)

    def work(case_id: int) -> None:
        client = app.test_client()
        start.wait()
        for n in range(4):
            made = request(client, case_id, f"{100 + n}.00", enforcement).get_json()
            if n == 3:
                continue  # left requested
            assert approve(client, made["id"], approver).status_code == 200
            if n < 2:
                paid = {"bank_reference": f"B{case_id}-{n}"}
                path = f"/api/v1/disbursements/{made['id']}/mark-paid"
                answer = client.post(path, json=paid, headers=finance)
                assert answer.status_code == 200, answer.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(work, case_id) for case_id in cases]:
            future.result()
    assert recount_agrees(engine) == {"marked_paid": 16, "approved": 8, "requested": 8}
    with engine.connect() as conn:
        kept = {r.status: (r.n, r.amount) for r in conn.execute(select(kept_counts))}
    assert kept["marked_paid"] == (16, 8 * (100_00 + 101_00))


def test_the_migration_counts_the_disbursements_already_there(
    client, court, engine, register_case, people
):
    """0038's backfill, run on books kept without it, gives what was kept with them."""
    from tests.integration.money import credit_case

    case = register_case()
    credit_case(engine, case["id"], 100_000_00)
    for amount in ("100.00", "200.00", "300.00"):
        made = request(client, case["id"], amount, court.headers("enforcement")).get_json()
        if amount != "300.00":
            approve(client, made["id"], people("approver", "甲"))
    with engine.connect() as conn:
        kept = conn.execute(select(kept_counts).order_by(kept_counts.c.status)).all()
    assert [(r.status, r.n, r.amount) for r in kept] == [
        ("approved", 2, 300_00),
        ("requested", 1, 300_00),
    ]
    path = migrate.MIGRATIONS / "versions" / "0038_disbursement_counts.py"
    spec = importlib.util.spec_from_file_location("m0038", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with engine.begin() as conn:
        conn.execute(delete(kept_counts))
        conn.execute(text(migration.BACKFILL))
    with engine.connect() as conn:
        assert conn.execute(select(kept_counts).order_by(kept_counts.c.status)).all() == kept


def test_ledger_verify_finds_a_kept_count_that_differs(
    client, court, engine, database_url, register_case, monkeypatch
):
    from api.cli import cli
    from tests.integration.money import credit_case

    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    case = register_case()
    credit_case(engine, case["id"], 100_000_00)
    request(client, case["id"], "100.00", court.headers("enforcement"))
    ok = CliRunner().invoke(cli, ["ledger", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "every kept count of disbursements equals a recount" in ok.output
    with engine.begin() as conn:
        conn.execute(update(kept_counts).values(n=kept_counts.c.n + 1))
    broken = CliRunner().invoke(cli, ["ledger", "verify"])
    assert broken.exit_code == 1
    assert "requested payment count: kept 2, the disbursements recount 1" in broken.output
    with engine.connect() as conn:
        assert disbursement_counts.breaks(conn) != []
