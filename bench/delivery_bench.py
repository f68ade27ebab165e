"""Delivery benchmark: claim time with a large backlog, and where a new critical lands.

    python bench/delivery_bench.py                     # 100,000 pending warnings, SQLite
    python bench/delivery_bench.py --backlog 1000000
    RECONCILE_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench \
        python bench/delivery_bench.py

A fresh database (SQLite in a temp dir unless the URL is set; a PostgreSQL database named
there is emptied first) gets `--backlog` warning alerts queued in bulk, then one critical.
Figures, one JSON line per scenario: the median wall time of one claim of a batch (each
claim rolled back, so every repeat sees the same backlog), the time of each statement in
it, whether the critical is in the first batch, and on PostgreSQL the plan of the query
that picks the batch. Scenarios: `due` (the whole backlog is due) and `backing_off` (the
backlog waits for retries; only the critical is due).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURT = "京0105"


def main() -> None:
    args = _arguments()
    with tempfile.TemporaryDirectory() as tmp:
        engine = _fresh_engine(Path(tmp))
        started = time.perf_counter()
        critical_id = _fill(engine, args.backlog)
        queued = time.perf_counter() - started
        print(json.dumps({"backlog": args.backlog, "queue_seconds": round(queued, 2)}))
        for scenario in ("due", "backing_off"):
            if scenario == "backing_off":
                _back_off_everything_but(engine, critical_id)
            result = measure(engine, critical_id, args.batch, args.repeat)
            print(json.dumps({"scenario": scenario, **result}, ensure_ascii=False))
            sys.stdout.flush()
        engine.dispose()


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    return parser.parse_args()


def _fresh_engine(tmp: Path):
    from sqlalchemy import text

    from reconcile.db import migrate
    from reconcile.db.engine import make_engine

    url = os.environ.get("RECONCILE_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    return engine


def _fill(engine, backlog: int) -> int:
    """Queue `backlog` orphan alerts (warnings), then one unauthorised debit; return its id."""
    from sqlalchemy import select, text

    from reconcile.db import alert_store
    from reconcile.db.tables_alerts import alerts

    step = 10_000
    for start in range(0, backlog, step):
        rows = [_alert("orphan_funds", i) for i in range(start, min(backlog, start + step))]
        with engine.begin() as conn:
            alert_store.raise_alerts_bulk(conn, rows)
    with engine.begin() as conn:
        alert_store.raise_alerts_bulk(conn, [_alert("unauthorised_debit", backlog)])
        critical = select(alerts.c.id).where(alerts.c.kind == "unauthorised_debit")
        critical_id = conn.execute(critical).scalar_one()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    return critical_id


def _alert(kind: str, i: int) -> dict:
    return {
        "kind": kind,
        "court": COURT,
        "subject": f"transaction:{i}",
        "facts": {"amount": "1200.00"},
        "detail": "bench",
    }


def _back_off_everything_but(engine, critical_id: int) -> None:
    from sqlalchemy import text, update

    from reconcile.clock import utc_now
    from reconcile.db.tables_alerts import deliveries

    later = utc_now() + timedelta(hours=6)
    with engine.begin() as conn:
        d = deliveries.c
        conn.execute(
            update(deliveries).where(d.alert_id != critical_id).values(next_attempt_at=later)
        )
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE deliveries"))


def measure(engine, critical_id: int, batch: int, repeat: int) -> dict:
    """Claim a batch `repeat` times (rolled back); return the figures."""
    from sqlalchemy import event

    from reconcile.clock import utc_now
    from reconcile.db import outbox

    timings: list[list[tuple[str, float]]] = []
    totals, first_batch = [], []
    statements: list[tuple[str, float]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - conn.info.pop("bench_started")
        statements.append((statement.split()[0].lower(), elapsed))
        conn.info.setdefault("bench_last", []).append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        for _ in range(repeat):
            statements.clear()
            with engine.connect() as conn:
                conn.info["bench_last"] = []
                now = utc_now()
                started = time.perf_counter()
                with conn.begin() as transaction:
                    rows = outbox.claim(
                        conn,
                        topics=["alert", "case_event"],
                        now=now,
                        lease_until=now + timedelta(seconds=120),
                        limit=batch,
                    )
                    totals.append(time.perf_counter() - started)
                    transaction.rollback()
                captured = conn.info.pop("bench_last")
            timings.append(list(statements))
            first_batch.append(any(r["alert_id"] == critical_id for r in rows))
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    result = {
        "claim_ms_median": round(statistics.median(totals) * 1000, 2),
        "claim_ms_max": round(max(totals) * 1000, 2),
        "statements_ms_median": _per_statement(timings),
        "critical_in_first_batch": all(first_batch),
        "database": engine.dialect.name,
    }
    if engine.dialect.name == "postgresql":
        result["pick_plan"] = _plan(engine, captured)
    return result


def _per_statement(timings: list[list[tuple[str, float]]]) -> list[list]:
    shape = [name for name, _ in timings[0]]
    return [
        [name, round(statistics.median(t[i][1] for t in timings) * 1000, 2)]
        for i, name in enumerate(shape)
    ]


def _plan(engine, captured: list) -> list[str]:
    """EXPLAIN ANALYZE the claim's picking statements (FOR UPDATE), rolled back."""
    picks = [(s, p) for s, p in captured if "FOR UPDATE" in s]
    lines = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:
            for statement, parameters in picks:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
                lines += [row[0] for row in cursor.fetchall()]
        raw.rollback()
    return lines


if __name__ == "__main__":
    main()
