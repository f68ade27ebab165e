"""The daily totals the reconciliation reads equal a recomputation from lines and entries.

Hypothesis drives random sequences of imports (credits to cases and unidentified, debits,
days out of order, overlapping files), orphan assignments and unassignments, refunds,
payments requested, approved and marked paid, and statement voids, through the use
cases. Whatever each step does or refuses, afterwards:

- every kept daily total equals what the lines and entries add up to for its day
  (what `reconcile ledger verify` checks);
- the reconciliation of every day reads what the old per-line sums read: the bank's
  balance, the cases, the orphans, approved-unpaid.
"""

from __future__ import annotations

import io
import itertools
import threading
from datetime import UTC, date, datetime, timedelta

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from bench import per_line_reads
from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.clock import local_day
from reconcile.db import daily_totals, ledger_store
from reconcile.db.tables import ledger_accounts
from reconcile.db.tables_statements import statement_lines
from reconcile.db.uow import UnitOfWork
from reconcile.errors import DomainError
from reconcile.ledger import EntryKind, Posting
from reconcile.services import cases, imports, statement_voids, transactions
from reconcile.services import disbursements as payments
from reconcile.services.reconciliation import reconcile_day
from reconcile.services.verification import daily_total_breaks
from reconcile.settings import load_settings
from tests.integration.conftest_proof import LONG, fresh_database, open_court, profile
from tests.integration.statement_files import Row, csv_statement

__all__ = ["fresh_database"]  # the fixture, imported for pytest

FIRST_DAY = date(2026, 3, 2)
sl, la = statement_lines.c, ledger_accounts.c


class DailyTotals(RuleBasedStateMachine):
    fresh = None  #: set by the test: the fresh-database factory

    def __init__(self) -> None:
        super().__init__()
        self._database = type(self).fresh()
        self.engine = self._database.__enter__()
        self.office = open_court(self.engine)
        self.settings = load_settings(environ={})
        # one approval by anyone, no finance review: who decides is not what is tested here
        self.settings["approvals"] = {
            **self.settings["approvals"],
            "tiers": [{"levels": 1}],
            "finance_review": False,
        }
        self.enforcement = self.office.actor("enforcement", "执行员")
        self.finance = self.office.actor("finance", "财务")
        self.approver = self.office.actor("approver", "审批人")
        self.numbers = itertools.count(1)
        self.cases: list[dict] = []
        self.statements: list[int] = []

    def teardown(self) -> None:
        self._database.__exit__(None, None, None)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def attempt(self, use_case, *args, **kwargs):
        try:
            return use_case(self.uow(), *args, **kwargs)
        except DomainError:  # refused: the totals must still hold
            return None

    @initialize(data=st.data())
    def first_case_and_statement(self, data):
        self.register_case()
        self.import_statement(data)

    @rule()
    def register_case(self):
        if len(self.cases) >= 4:
            return
        n = next(self.numbers)
        spec = NewCase(
            case_number=f"（2026）京0105执{n}号",
            court=self.office.code,
            amount_due=500_000_00,
            applicants=(PartySpec(f"申请人{n}", (AccountRef(f"1100601490188{n:08d}"),)),),
            respondents=(PartySpec(f"被执行人{n}", (AccountRef(f"62220202{n:011d}"),)),),
        )
        self.cases.append(cases.register_case(self.uow(), self.enforcement, spec))

    @rule(data=st.data())
    def import_statement(self, data):
        count = data.draw(st.integers(1, 6), label="lines")
        rows = []
        for _ in range(count):
            day = FIRST_DAY + timedelta(days=data.draw(st.integers(0, 6), label="day"))
            amount = data.draw(st.integers(1, 5_000_00), label="fen")
            kind = data.draw(st.sampled_from(["case", "case", "orphan", "debit"]), label="kind")
            reference = f"R{next(self.numbers):06d}"
            yuan = f"{amount // 100}.{amount % 100:02d}"
            if kind == "case":
                target = data.draw(st.sampled_from(self.cases), label="case")
                row = Row(str(day), yuan, "付款人", "", "", target["sub_account_number"], reference)
            elif kind == "orphan":
                row = Row(str(day), yuan, "某人", "6222000011112222", "货款", "", reference)
            else:
                row = Row(str(day), f"-{yuan}", "某公司", "6222777700000000", "", "", reference)
            rows.append(row)
        rows.sort(key=lambda r: r.booked_on)
        opening = data.draw(st.integers(0, 10_000_00), label="opening")
        file = csv_statement(rows, opening=f"{opening // 100}.{opening % 100:02d}")
        report = self.attempt(
            imports.import_statement,
            self.finance,
            io.BytesIO(file),
            filename=f"s{next(self.numbers)}.csv",
            account=self.office.account,
        )
        if report is not None and not report.get("duplicate"):
            self.statements.append(report["id"])

    def _lines(self, status: str) -> list[int]:
        with self.engine.connect() as conn:
            query = select(sl.id).where(sl.status == status).order_by(sl.id)
            return list(conn.execute(query).scalars())

    @rule(data=st.data())
    def assign_orphan(self, data):
        orphans = self._lines("orphan")
        if orphans:
            line = data.draw(st.sampled_from(orphans), label="orphan")
            target = data.draw(st.sampled_from(self.cases), label="case")
            self.attempt(transactions.assign_orphan, self.finance, line, target["id"], "来电确认")

    @rule(data=st.data())
    def unassign(self, data):
        matched = self._lines("matched")
        if matched:
            line = data.draw(st.sampled_from(matched), label="matched")
            self.attempt(transactions.unassign, self.finance, line, "分配错误")

    @rule(data=st.data())
    def refund_orphan(self, data):
        orphans = self._lines("orphan")
        if orphans:
            line = data.draw(st.sampled_from(orphans), label="orphan")
            made = self.attempt(
                transactions.refund_orphan, self.finance, line, "退回", settings=self.settings
            )
            if made is not None and data.draw(st.booleans(), label="pay the refund"):
                self._approve_and_pay(made["refund_disbursement_id"])

    @rule(data=st.data())
    def import_another_statement(self, data):
        self.import_statement(data)

    @rule(data=st.data(), percent=st.integers(1, 100), pay=st.booleans())
    def pay_a_case(self, data, percent, pay):
        target = data.draw(st.sampled_from(self.cases), label="case")
        with self.engine.connect() as conn:
            free = conn.execute(
                select(la.received - la.held - la.pending - la.approved_unpaid - la.paid).where(
                    la.case_id == target["id"]
                )
            ).scalar_one()
        if free <= 0:
            return
        made = self.attempt(
            payments.request_disbursement,
            self.enforcement,
            target["id"],
            amount=max(1, free * percent // 100),
            payee_account_number=target["applicants"][0]["payee_accounts"][0]["account_number"],
            note="发放案款",
            settings=self.settings,
        )
        if made is not None:
            self._approve_and_pay(made["id"], mark_paid=pay)

    def _approve_and_pay(self, disbursement_id: int, mark_paid: bool = True) -> None:
        if (
            self.attempt(payments.approve_disbursement, self.approver, disbursement_id)
            and mark_paid
        ):
            reference = f"MP{next(self.numbers):06d}"
            self.attempt(
                payments.mark_paid, self.finance, disbursement_id, bank_reference=reference
            )

    @rule(data=st.data())
    def void_a_statement(self, data):
        if not self.statements:
            return
        statement_id = data.draw(st.sampled_from(self.statements), label="statement")
        void = self.attempt(
            statement_voids.request_void,
            self.finance,
            statement_id,
            reason="导入错误",
            settings=self.settings,
        )
        if void is not None:
            self.attempt(statement_voids.approve_void, self.approver, void["id"])

    @invariant()
    def the_kept_totals_equal_a_recomputation(self):
        assert daily_total_breaks(self.engine) == []

    @invariant()
    def every_days_reconciliation_reads_what_the_lines_and_entries_say(self):
        account_id = self.office.account_id
        with self.engine.connect() as conn:
            for offset in range(-1, 9):
                day = FIRST_DAY + timedelta(days=offset)
                result = reconcile_day(conn, account_id, day)
                figures = per_line_reads.books(conn, account_id, day)
                assert (result.cases_on_account, result.orphans, result.approved_unpaid) == (
                    figures["case"],
                    figures["suspense"],
                    figures["approved_unpaid"],
                ), day
                assert result.bank_balance == per_line_reads.bank_balance(conn, account_id, day), (
                    day
                )


def test_the_daily_totals_equal_a_recomputation_after_every_step(fresh_database):
    DailyTotals.fresh = fresh_database
    run_state_machine_as_test(
        DailyTotals,
        settings=settings(
            max_examples=profile(12, 300),
            stateful_step_count=profile(25, 60),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=not LONG,
            print_blob=True,
        ),
    )


def test_a_void_takes_its_lines_out_of_their_days(fresh_database):
    with fresh_database() as engine:
        office = open_court(engine)
        finance = office.actor("finance")
        file = csv_statement([Row("2026-11-02", "50.00", "丁", "6222000000000004", "货款")])
        report = imports.import_statement(
            UnitOfWork(engine), finance, io.BytesIO(file), account=office.account
        )
        with engine.connect() as conn:
            assert daily_totals.days_with_lines(
                conn, office.account_id, date(2026, 11, 1), date(2026, 11, 3)
            ) == [date(2026, 11, 2)]
            assert daily_totals.books_until(conn, office.account_id, date(2026, 11, 2)) == {
                "cases": 0,
                "suspense": 50_00,
                "approved_unpaid": 0,
            }
        settings_ = load_settings(environ={})
        void = statement_voids.request_void(
            UnitOfWork(engine), finance, report["id"], reason="导错了", settings=settings_
        )
        statement_voids.approve_void(UnitOfWork(engine), office.actor("approver"), void["id"])
        with engine.connect() as conn:
            assert (
                daily_totals.days_with_lines(
                    conn, office.account_id, date(2026, 11, 1), date(2026, 11, 3)
                )
                == []
            )
            assert (
                daily_totals.books_until(conn, office.account_id, date(2026, 11, 2))["suspense"]
                == 0
            )
        assert daily_total_breaks(engine) == []


def test_ledger_verify_finds_a_daily_total_that_differs(
    client, court, engine, database_url, monkeypatch
):
    from click.testing import CliRunner
    from sqlalchemy import update

    from api.cli import cli
    from reconcile.db.tables_totals import daily_totals as totals
    from tests.integration.statement_files import upload

    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    rows = [
        Row("2026-11-02", "80.00", "丙", "6222000000000003", "货款"),
        Row("2026-11-03", "-5.00"),
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    ok = CliRunner().invoke(cli, ["ledger", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "every daily total equals its day's lines and entries" in ok.output
    with engine.begin() as conn:
        conn.execute(update(totals).where(totals.c.day == date(2026, 11, 2)).values(suspense=1))
    broken = CliRunner().invoke(cli, ["ledger", "verify"])
    assert broken.exit_code == 1
    assert "2026-11-02 suspense: daily total 1 fen, lines and entries add up to 8000 fen" in (
        broken.output
    )


def test_the_migration_fills_the_totals_from_the_rows_already_there(client, court, engine):
    """0018's backfill, run on books kept without it, gives what was kept with them."""
    import importlib.util

    from sqlalchemy import delete, text

    from reconcile.db import migrate
    from reconcile.db.tables_totals import daily_totals as totals
    from tests.integration.statement_files import upload

    rows = [
        Row("2026-11-02", "80.00", "丙", "6222000000000003", "货款", "", "A1"),
        Row("2026-11-02", "12.00", "丁", "6222000000000004", "货款", "", "A2"),
        Row("2026-11-03", "-5.00", "", "", "", "", "A3"),
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    with engine.begin() as conn:  # and an entry of no line: it counts on its posting day
        suspense = ledger_store.suspense_ledger_id(conn, 1)
        posting = [Posting("received", 7_00)]
        ledger_store.post(conn, suspense, EntryKind.CREDIT, posting, enforce_available=False)
    with engine.connect() as conn:
        kept = conn.execute(select(totals).order_by(totals.c.day)).all()
    assert len(kept) == 3
    assert kept[-1].day == local_day(datetime.now(UTC))
    assert kept[-1].suspense == 7_00
    path = next((migrate.MIGRATIONS / "versions").glob("0018_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0018", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with engine.begin() as conn:
        conn.execute(delete(totals))
        backfill = migration.BACKFILL.format(
            local_day=migration.LOCAL_DAY[conn.dialect.name], net=migration.NET
        )
        conn.execute(text(backfill))
    with engine.connect() as conn:
        assert conn.execute(select(totals).order_by(totals.c.day)).all() == kept


@pytest.mark.postgres
def test_concurrent_imports_and_postings_on_one_day_all_count(court, engine):
    """Eight imports of the same days and eight postings at once: each adds to the rows
    the others add to, and none of the additions is lost (a read-modify-write would)."""
    from concurrent.futures import ThreadPoolExecutor

    from reconcile.actors import Actor

    finance = Actor(name="财务", role="finance", courts=frozenset({court.code}), id="finance:财务")
    start = threading.Barrier(16)

    def import_one(n: int) -> None:
        rows = [
            Row("2026-11-02", f"{10 + n}.00", "丙", "6222000000000003", "货款", "", f"I{n}a"),
            Row("2026-11-03", f"{20 + n}.00", "丁", "6222000000000004", "货款", "", f"I{n}b"),
        ]
        file = csv_statement(rows)
        start.wait()
        imports.import_statement(
            UnitOfWork(engine),
            finance,
            io.BytesIO(file),
            filename=f"{n}.csv",
            account=court.account,
        )

    def post_one(n: int) -> None:
        start.wait()
        with engine.begin() as conn:
            suspense = ledger_store.suspense_ledger_id(conn, 1)
            posting = [Posting("received", 1_00 + n)]
            ledger_store.post(conn, suspense, EntryKind.CREDIT, posting, enforce_available=False)

    with ThreadPoolExecutor(max_workers=16) as pool:
        done = [pool.submit(import_one, n) for n in range(8)]
        done += [pool.submit(post_one, n) for n in range(8)]
        for future in done:
            future.result()
    assert daily_total_breaks(engine) == []
    with engine.connect() as conn:
        days = daily_totals.days_with_lines(conn, 1, date(2026, 11, 1), date(2026, 11, 4))
        assert days == [date(2026, 11, 2), date(2026, 11, 3)]
        books = daily_totals.books_until(conn, 1, date(2026, 11, 3))
        assert books["suspense"] == sum(10_00 + 20_00 + 2 * n * 100 for n in range(8))
