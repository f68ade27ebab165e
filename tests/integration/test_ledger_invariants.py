"""The ledger: balances follow the entries, and available money is never overdrawn."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from reconcile.db import ledger_store
from reconcile.db.tables import ledger_entries
from reconcile.db.uow import UnitOfWork
from reconcile.errors import InsufficientAvailable
from reconcile.ledger import Balance, EntryKind, Posting


@pytest.fixture
def ledger(engine, register_case):
    case = register_case()
    with engine.connect() as conn:
        return ledger_store.case_ledger_id(conn, case["id"])


def post(engine, ledger_id, kind, postings, *, enforce):
    with UnitOfWork(engine) as uow:
        ledger_store.post(uow.conn, ledger_id, kind, postings, enforce_available=enforce)
        uow.conn.commit()


def balance(engine, ledger_id) -> Balance:
    with engine.connect() as conn:
        return ledger_store.balance(conn, ledger_id)


def summed_entries(engine, ledger_id) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ledger_entries.c.bucket, func.sum(ledger_entries.c.amount))
            .where(ledger_entries.c.ledger_account_id == ledger_id)
            .group_by(ledger_entries.c.bucket)
        )
        return dict(rows.all())


def test_the_balance_is_the_sum_of_the_entries(engine, ledger):
    post(engine, ledger, "credit", [Posting("received", 10_000)], enforce=False)
    post(engine, ledger, "hold_placed", [Posting("held", 3_000)], enforce=False)
    post(engine, ledger, "disbursement_requested", [Posting("pending", 5_000)], enforce=True)
    post(
        engine,
        ledger,
        "disbursement_approved",
        [Posting("pending", -5_000), Posting("approved_unpaid", 5_000)],
        enforce=True,
    )
    current = balance(engine, ledger)
    assert current == Balance(received=10_000, held=3_000, approved_unpaid=5_000)
    assert current.available == 2_000
    sums = summed_entries(engine, ledger)
    assert {b: getattr(current, b) for b in sums} == sums


def test_spending_more_than_available_is_refused_and_changes_nothing(engine, ledger):
    post(engine, ledger, "credit", [Posting("received", 10_000)], enforce=False)
    post(engine, ledger, "hold_placed", [Posting("held", 8_000)], enforce=False)
    with pytest.raises(InsufficientAvailable):
        post(engine, ledger, "disbursement_requested", [Posting("pending", 2_001)], enforce=True)
    assert balance(engine, ledger).pending == 0
    assert "pending" not in summed_entries(engine, ledger)


def test_a_hold_may_exceed_the_money_that_has_arrived(engine, ledger):
    post(engine, ledger, "credit", [Posting("received", 1_000)], enforce=False)
    post(engine, ledger, "hold_placed", [Posting("held", 50_000)], enforce=False)
    assert balance(engine, ledger).available == 0


def test_a_correction_is_a_reversing_entry_not_an_edit(engine, ledger):
    post(engine, ledger, "credit", [Posting("received", 1_000)], enforce=False)
    with UnitOfWork(engine) as uow:
        [original] = ledger_store.entries(uow.conn, ledger)
        ledger_store.reverse(
            uow.conn, original["id"], EntryKind.ASSIGNMENT_REVERSED, enforce_available=True
        )
        uow.conn.commit()
    with engine.connect() as conn:
        rows = ledger_store.entries(conn, ledger)
    assert [(r["kind"], r["amount"]) for r in rows] == [
        ("credit", 1_000),
        ("assignment_reversed", -1_000),
    ]
    assert rows[1]["reverses_entry_id"] == rows[0]["id"]
    assert balance(engine, ledger).received == 0


def test_a_reversal_that_would_overdraw_is_refused_and_posts_nothing(engine, ledger):
    post(engine, ledger, "credit", [Posting("received", 1_000)], enforce=False)
    post(engine, ledger, "disbursement_requested", [Posting("pending", 600)], enforce=True)
    with UnitOfWork(engine) as uow:
        [credit, _] = ledger_store.entries(uow.conn, ledger)
        with pytest.raises(InsufficientAvailable):
            ledger_store.reverse(
                uow.conn, credit["id"], EntryKind.ASSIGNMENT_REVERSED, enforce_available=True
            )
    assert balance(engine, ledger).received == 1_000


def test_an_entry_kind_outside_the_enum_is_refused(engine, ledger):
    with pytest.raises(ValueError, match="EntryKind"):
        post(engine, ledger, "credit_reversed", [Posting("received", 1_000)], enforce=False)


@pytest.mark.parametrize(
    "buckets",
    [
        {"received": 10_000},
        {"received": 10_000, "held": 12_000},
        {"received": 9_000, "pending": 1_000, "approved_unpaid": 2_000, "paid": 3_000},
        {"received": 5_000, "held": 1_000, "paid": 4_000},
    ],
)
def test_the_database_guard_and_the_balance_agree_on_what_is_available(engine, ledger, buckets):
    for bucket, amount in buckets.items():
        post(engine, ledger, "credit", [Posting(bucket, amount)], enforce=False)
    available = balance(engine, ledger).available
    if available:
        post(
            engine, ledger, "disbursement_requested", [Posting("pending", available)], enforce=True
        )
    with pytest.raises(InsufficientAvailable):
        post(engine, ledger, "disbursement_requested", [Posting("pending", 1)], enforce=True)


@pytest.mark.postgres
def test_concurrent_requests_cannot_overdraw_a_case(engine, ledger):
    post(engine, ledger, "credit", [Posting("received", 100_00)], enforce=False)
    start = threading.Barrier(12)

    def request_30_yuan(_):
        start.wait()
        try:
            post(
                engine, ledger, "disbursement_requested", [Posting("pending", 30_00)], enforce=True
            )
            return "ok"
        except InsufficientAvailable:
            return "refused"

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(request_30_yuan, range(12)))
    assert outcomes.count("ok") == 3
    assert outcomes.count("refused") == 9
    final = balance(engine, ledger)
    assert final.pending == 90_00
    assert final.available == 10_00
    assert summed_entries(engine, ledger)["pending"] == 90_00


def test_the_cli_finds_a_balance_that_differs_from_its_entries(
    engine, ledger, database_url, monkeypatch
):
    from click.testing import CliRunner
    from sqlalchemy import update

    from api.cli import cli
    from reconcile.db.tables import ledger_accounts

    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    post(engine, ledger, "credit", [Posting("received", 10_000)], enforce=False)
    ok = CliRunner().invoke(cli, ["ledger", "verify"])
    assert ok.exit_code == 0, ok.output
    with engine.begin() as conn:
        conn.execute(
            update(ledger_accounts).where(ledger_accounts.c.id == ledger).values(received=20_000)
        )
    broken = CliRunner().invoke(cli, ["ledger", "verify"])
    assert broken.exit_code == 1
    assert f"ledger {ledger} received: balance 20000 fen, entries add up to 10000 fen" in (
        broken.output
    )
