"""A kill -9 in the middle of an import leaves nothing behind; the next import is clean.

Besides the kill at a fixed point, trials kill the import at random points — while lines
stream in, while they are stored, matched and posted, during and after the commit — and
check that afterwards the database is exactly as after one clean run: either nothing of
the file (and importing it again gives every line once) or all of it (and importing it
again says duplicate). Quick profile: 3 trials; `RECONCILE_LONG_PROOF=1`: 25. A trial's
seed is in its id; `RECONCILE_CRASH_SEED=<n>` repeats one.
"""

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.db import audit_log, ledger_store
from reconcile.db.tables import ledger_entries
from reconcile.db.tables_statements import statement_imports, statement_lines
from reconcile.db.uow import UnitOfWork
from reconcile.services import cases, imports
from tests.integration.conftest_proof import LONG, fresh_database, open_court
from tests.integration.statement_files import Row, csv_statement

__all__ = ["fresh_database"]  # the fixture, imported for pytest

LINES = 60_000


def counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (statement_imports, statement_lines, ledger_entries)
        )


def start_import(path, database_url, account) -> subprocess.Popen:
    code = "from api.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "import", str(path), "--account", account],
        env={
            **os.environ,
            "RECONCILE_DATABASE_URL": database_url,
            "RECONCILE_IMPORTS_BATCH_SIZE": "500",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_progress(process: subprocess.Popen, lines: int) -> None:
    """Read the progress the CLI prints until `lines` lines are staged."""
    seen, deadline = b"", time.monotonic() + 120
    while time.monotonic() < deadline:
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            raise AssertionError(f"the import ended before it was killed: {seen[-500:]!r}")
        seen += chunk
        counts_read = [
            int(p.split(b" lines")[0].split()[-1]) for p in seen.split(b"\r") if b" lines read" in p
        ]
        if counts_read and counts_read[-1] >= lines:
            return
    raise AssertionError("no progress within two minutes")


def test_a_killed_import_leaves_no_partial_statement_and_imports_cleanly_again(
    tmp_path, engine, database_url, court, register_case, admin
):
    case = register_case()
    rows = [
        Row(
            "2026-11-02",
            "1.00",
            "张伟",
            "6222020200112233445",
            f"第{i}笔",
            case["sub_account_number"] if i % 2 else "",
            f"R{i}",
        )
        for i in range(LINES)
    ]
    path = tmp_path / "big.csv"
    path.write_bytes(csv_statement(rows, balances=False))

    with start_import(path, database_url, court.account) as process:
        wait_for_progress(process, LINES // 3)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert counts(engine) == (0, 0, 0)

    with path.open("rb") as source:
        report = imports.import_statement(
            UnitOfWork(engine), admin, source, filename=path.name, account=court.account
        )
    assert (report["lines_total"], report["lines_new"], report["credits_matched"]) == (
        LINES,
        LINES,
        LINES,
    )
    assert counts(engine) == (1, LINES, LINES)


TRIAL_LINES = 4_000
_seeds = random.Random(os.environ.get("PYTEST_XDIST_TESTRUNUID"))
SEEDS = (
    [int(os.environ["RECONCILE_CRASH_SEED"])]
    if os.environ.get("RECONCILE_CRASH_SEED")
    # the workers of one xdist run share its run id, so they collect the same seeds
    else [_seeds.randrange(10**6) for _ in range(25 if LONG else 3)]
)


def kill_at_random(process: subprocess.Popen, rng: random.Random) -> bool:
    """Kill the import once a random share of its lines is read, plus up to a second;
    return whether it was still running (False: it had finished first)."""
    target, seen = rng.randint(0, TRIAL_LINES), b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        read = [
            int(p.split()[-3]) for p in seen.split(b"\r") if p.endswith(b"lines read\xe2\x80\xa6")
        ]
        if (read and read[-1] >= target) or target == 0:
            break
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            break  # all read: it is storing, posting or committing now
        seen += chunk
    time.sleep(rng.uniform(0, 1.0))
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return running


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed={s}" for s in SEEDS])
def test_an_import_killed_at_a_random_point_leaves_all_or_nothing(
    seed, tmp_path, fresh_database, admin
):
    rng = random.Random(seed)
    path = tmp_path / "trial.csv"
    with fresh_database() as engine:
        office = open_court(engine)
        case = case_on(engine, office)
        sub_account = case["sub_account_number"]
        path.write_bytes(
            csv_statement(
                [
                    Row(
                        "2026-11-02",
                        "1.00",
                        "张伟",
                        "6222020200112233445",
                        f"第{i}笔",
                        sub_account,
                        f"R{i}",
                    )
                    for i in range(TRIAL_LINES)
                ],
                balances=False,
            )
        )
        url = engine.url.render_as_string(hide_password=False)
        with start_import(path, url, office.account) as process:
            kill_at_random(process, rng)
        after_kill = counts(engine)
        done = (1, TRIAL_LINES, TRIAL_LINES)
        assert after_kill in ((0, 0, 0), done), f"seed {seed}: {after_kill}"

        with path.open("rb") as source:
            report = imports.import_statement(
                UnitOfWork(engine), admin, source, filename=path.name, account=office.account
            )
        assert report["duplicate"] is (after_kill == done)
        assert (report["lines_total"], report["credits_matched"]) == (TRIAL_LINES, TRIAL_LINES)
        assert counts(engine) == done
        with engine.connect() as conn:
            assert audit_log.verify(conn) is None
            books = ledger_store.balance(conn, ledger_store.case_ledger_id(conn, case["id"]))
        assert books.received == TRIAL_LINES * 100


def case_on(engine, office) -> dict:
    """Register one case; return it."""
    spec = NewCase(
        case_number="（2026）京0105执1号",
        court=office.code,
        amount_due=100_000_00,
        applicants=(PartySpec("申请人", (AccountRef("110060149018800012345"),)),),
        respondents=(PartySpec("张伟", (AccountRef("6222020200112233445"),)),),
    )
    return cases.register_case(UnitOfWork(engine), office.actor("enforcement"), spec)
