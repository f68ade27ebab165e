"""A kill -9 in the middle of an import leaves nothing behind; the next import is clean."""

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from reconcile.db.tables import ledger_entries
from reconcile.db.tables_statements import statement_imports, statement_lines
from reconcile.db.uow import UnitOfWork
from reconcile.services import imports
from tests.integration.statement_files import Row, csv_statement

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
