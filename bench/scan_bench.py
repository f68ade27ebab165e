"""The daily deadline scan on a book a run of bench/scale_bench.py left: one scan after another.

    python bench/scan_bench.py --database-url sqlite:////work/bench_books/large.db
    python bench/scan_bench.py --database-url postgresql+psycopg://… --dirty --runs 1

Each run is `reconcile scan-deadlines` as of --as-of (the service, in this process), timed
wall and CPU (this process's), with what it raised. The first run on a book raises the
findings of every case with a running clock; the runs after it have nothing new to
raise. `--dirty` first makes every case "never computed" (migration 0036's table), as
after its upgrade: the scan then computes every case's clocks again, raising nothing new.
`--upgrade` first brings the book's schema up to date (a book built by older code).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as-of", default="2026-12-08", type=date.fromisoformat)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dirty", action="store_true", help="compute every case again first")
    parser.add_argument("--upgrade", action="store_true", help="migrate the book first (timed)")
    args = parser.parse_args()

    from reconcile.db.engine import make_engine
    from reconcile.services.deadlines import scan_deadlines
    from reconcile.settings import load_settings

    settings = load_settings(environ={"RECONCILE_DATABASE_URL": args.database_url})
    engine = make_engine(args.database_url, audit_key=settings["audit"]["key"])
    logging.getLogger("reconcile").setLevel(logging.WARNING)
    if args.upgrade:
        from reconcile.db import migrate

        wall = time.perf_counter()
        migrate.upgrade(engine)
        print(f"upgraded in {time.perf_counter() - wall:.1f} s", flush=True)
    if args.dirty:
        from sqlalchemy import update

        from reconcile.db.tables_deadlines import case_deadline_due

        with engine.begin() as conn:
            conn.execute(update(case_deadline_due).values(scanned_changes=None))
    for run in range(1, args.runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        report = scan_deadlines(engine, settings, args.as_of)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        raised = {k: v for k, v in report.items() if k not in ("as_of", "cases")}
        print(
            f"run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU; {report['cases']:,} cases; {raised}",
            flush=True,
        )
    engine.dispose()


if __name__ == "__main__":
    main()
