"""Deadline scan benchmark: N cases with running clocks, one scan, then a scan with nothing new.

    python bench/deadline_bench.py                    # 10k and 100k cases, SQLite
    python bench/deadline_bench.py --cases 100000 --before /tmp/h2_before
    RECONCILE_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench \
        python bench/deadline_bench.py

Each size gets a fresh database (SQLite in a temp dir unless the URL is set; a PostgreSQL
database named there is emptied first). The books are built through the real paths: the
cases registered in bulk (bench/statements.py), then one CSV statement imported with a
credit for every case (a fifth of them get a second one), booked over six weeks, so that
as of the scan day most notice clocks are overdue, some due soon and some still running.
On PostgreSQL the tables are then analysed, as autovacuum would.
The figures: wall time of the first scan (every finding new), and of a second scan as of
the same day (nothing new due) and a third (the same again, once PostgreSQL has set the
hint bits of the rows the first scan wrote), each with this process's CPU time (the
database server's is not in it), which other load on a shared machine moves less.
`--before DIR` runs the scan code copied into DIR (a tree of reconcile/... files) instead
of the current one, to compare; `--first-only` skips the later scans.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURT, ACCOUNT, PREFIX = "京0105", "0200001009014401234", "8801"
FIRST_BOOKED, BOOKED_DAYS = date(2026, 9, 14), 42
AS_OF = date(2026, 10, 28)
#: the scan's modules, in import order, for --before
SCAN_MODULES = (
    "reconcile.working_days",
    "reconcile.deadlines",
    "reconcile.db.deadline_store",
    "reconcile.services.deadlines",
)


def main() -> None:
    args = _arguments()
    if args.before:
        _load_before(Path(args.before))
    for size in args.cases:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_one(Path(tmp), size, args), ensure_ascii=False, default=str))
            sys.stdout.flush()


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--before", help="a tree holding the scan code to time instead")
    parser.add_argument(
        "--first-only", action="store_true", help="skip the second scan (the old code's is long)"
    )
    return parser.parse_args()


def _load_before(tree: Path) -> None:
    """Put the scan modules found under `tree` in place of the current ones."""
    for name in SCAN_MODULES:
        path = tree.joinpath(*name.split(".")).with_suffix(".py")
        if not path.exists():
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


def run_one(tmp: Path, size: int, args) -> dict:
    from reconcile.db.engine import make_engine
    from reconcile.services.deadlines import scan_deadlines
    from reconcile.settings import load_settings

    url = _fresh_database(tmp)
    started = time.perf_counter()
    _build_books(url, tmp, size)
    built = time.perf_counter() - started
    engine = make_engine(url)
    settings = load_settings()
    figures = {"cases": size, "database": url.split(":")[0], "before": bool(args.before)}
    figures["build_s"] = round(built, 1)
    scans = ("first_scan", "second_scan", "third_scan")
    for name in scans[:1] if args.first_only else scans:
        started, cpu = time.perf_counter(), time.process_time()
        report = scan_deadlines(engine, settings, AS_OF)
        figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
        figures[f"{name}_cpu_s"] = round(time.process_time() - cpu, 2)
        figures[f"{name}_report"] = {k: v for k, v in report.items() if k != "as_of"}
    engine.dispose()
    return figures


def _fresh_database(tmp: Path) -> str:
    url = os.environ.get("RECONCILE_BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'bench.db'}"
    from sqlalchemy import text

    from reconcile.db.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _build_books(url: str, tmp: Path, size: int) -> None:
    """Register `size` cases and import a statement crediting each (the real import path)."""
    from bench.statements import register_cases
    from reconcile.actors import cli_actor
    from reconcile.db.engine import make_engine
    from reconcile.db.uow import UnitOfWork
    from reconcile.services import imports

    subs, _numbers = register_cases(url, COURT, ACCOUNT, PREFIX, size)
    path = tmp / "statement.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("交易日期,交易流水号,对方户名,对方账号,子账号,收入金额,支出金额,摘要\n")
        for i, (sub, booked) in enumerate(_credits(subs)):
            out.write(f"{booked:%Y-%m-%d},D{i:09d},付款人{i},62229{i:014d},{sub},12.34,,执行款\n")
    engine = make_engine(url)
    with path.open("rb") as source:
        report = imports.import_statement(
            UnitOfWork(engine), cli_actor("bench"), source, filename=path.name, format="csv",
            account=ACCOUNT,
        )  # fmt: skip
    assert report["credits_matched"] == report["lines_new"], report
    if engine.dialect.name == "postgresql":
        # what autovacuum does within a minute of a bulk load (the test server runs without
        # it): the planner needs the new tables' statistics to pick the indexes
        from sqlalchemy import text

        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()


def _credits(subs: list[str]):
    """Yield (sub-account, booking day): one credit per case, a second for every fifth."""
    for i, sub in enumerate(subs):
        yield sub, FIRST_BOOKED + timedelta(days=i % BOOKED_DAYS)
    for i, sub in enumerate(subs[::5]):
        yield sub, FIRST_BOOKED + timedelta(days=(i * 7) % BOOKED_DAYS)


if __name__ == "__main__":
    main()
