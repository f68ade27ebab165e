"""Import benchmark: generate statements, import them, print lines/second and peak memory.

    python bench/import_bench.py                      # CSV, CAMT.053, OFX at 10k and 100k lines
    python bench/import_bench.py --sizes 1000000 --formats csv --cases 100000
    RECONCILE_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench \
        python bench/import_bench.py

Each run uses a fresh database (SQLite in a temp dir unless the URL is set; a PostgreSQL
database named there is emptied first). Figures: wall time of parse+store+match for the
whole import, lines per second, peak resident memory of a child process that does only
the import (so generation and set-up do not count), the share of the time spent in
matching credits to cases (in memory, per line), and the share spent storing lines and
their ledger postings in the database (staging, the dedupe-numbered move into
statement_lines, the entries and totals: the floor no faster parsing can lower).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURT, ACCOUNT, PREFIX = "京0105", "0200001009014401234", "8801"


def main() -> None:
    args = _arguments()
    for fmt in args.formats:
        for size in args.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                result = run_one(Path(tmp), fmt, size, args.cases)
            print(json.dumps(result, ensure_ascii=False))
            sys.stdout.flush()


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", nargs="+", default=["csv", "camt053", "ofx"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--cases", type=int, default=10_000)
    return parser.parse_args()


def run_one(tmp: Path, fmt: str, size: int, case_count: int) -> dict:
    url = _fresh_database(tmp)
    sub_accounts, case_numbers = _set_up(url, case_count)
    path = tmp / f"statement.{ {'csv': 'csv', 'camt053': 'xml', 'ofx': 'ofx'}[fmt] }"
    from bench.statements import write_statement

    write_statement(path, fmt, size, sub_accounts, case_numbers, ACCOUNT)
    child = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(path), fmt],
        env={**os.environ, "RECONCILE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return {
        "format": fmt,
        "lines": size,
        "cases": case_count,
        "database": url.split(":")[0],
        **figures,
    }


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


def _set_up(url: str, case_count: int) -> tuple[list[str], list[str]]:
    from bench.statements import register_cases

    return register_cases(url, COURT, ACCOUNT, PREFIX, case_count)


def child(path: Path, fmt: str) -> None:
    """Import one file and print the figures (runs in its own process)."""
    import resource

    from reconcile.actors import cli_actor
    from reconcile.db import statement_store
    from reconcile.db.engine import make_engine
    from reconcile.db.uow import UnitOfWork
    from reconcile.matching import Matcher
    from reconcile.services import imports

    engine = make_engine(os.environ["RECONCILE_DATABASE_URL"])
    matching = _time_calls(Matcher, "match")
    storing = _time_calls(
        statement_store, "stage", "store_new_lines", "post_matched_credits", "post_orphan_credits"
    )
    with path.open("rb") as source:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = imports.import_statement(
            UnitOfWork(engine),
            cli_actor("bench"),
            source,
            filename=path.name,
            format=fmt,
            account=ACCOUNT,
        )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                #: this process's CPU: on SQLite all the import's work, and what the load
                #: of other work on a shared machine moves least
                "cpu_seconds": round(cpu_seconds, 2),
                "lines_per_second": round(report["lines_total"] / seconds),
                "peak_rss_mb": round(peak_mb, 1),
                "matching_share": round(matching[0] / seconds, 3),
                "storing_share": round(storing[0] / seconds, 3),
                "matched": report["credits_matched"],
                "orphans": report["orphans"],
                "lines_new": report["lines_new"],
            }
        )
    )


def _time_calls(owner, *names: str) -> list[float]:
    """Time every call of these functions of `owner` in this process; the list holds the
    running total (calls into each other would count twice: these do not)."""
    total = [0.0]

    def timed(function):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                total[0] += time.perf_counter() - started

        return run

    for name in names:
        setattr(owner, name, timed(getattr(owner, name)))
    return total


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[3])
    else:
        random.seed(7)
        main()
