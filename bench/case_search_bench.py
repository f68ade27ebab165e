"""Case list benchmark: search, filters, sorts and totals over many cases.

    python bench/case_search_bench.py --cases 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1/bench

The database is emptied and filled with `--cases` cases in bulk (bench/statements.py),
their search keys rebuilt (`reindex_cases`: bulk loads bypass registration), and random
balances, holds and overdue alerts set. Every figure is the best of 5, in milliseconds,
for one page of 50 through the use case (what the page and the API call).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURT, ACCOUNT, PREFIX = "京0105", "0200001009014401234", "8801"


def main() -> None:
    args = _arguments()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'cases.db'}"
        run(url, args.cases, args.reuse)


def run(url: str, count: int, reuse: bool = False) -> None:
    from sqlalchemy import text, update

    from bench.statements import register_cases
    from reconcile.actors import Actor
    from reconcile.case_search import CaseFilters, CaseSort, read_query
    from reconcile.db.case_search_store import reindex_cases
    from reconcile.db.engine import make_engine
    from reconcile.db.tables import ledger_accounts
    from reconcile.db.uow import UnitOfWork
    from reconcile.services import case_search
    from reconcile.sub_accounts import issue_sub_account

    engine = make_engine(url)
    subs = [issue_sub_account(PREFIX, i) for i in range(1, count + 1)]
    numbers = [f"（2026）{COURT}执{i}号" for i in range(1, count + 1)]
    if not reuse:
        if url.startswith("postgresql"):
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        register_cases(url, COURT, ACCOUNT, PREFIX, count)
        started = time.perf_counter()
        with engine.begin() as conn:
            indexed = reindex_cases(conn)
            _fund(conn, count, update, ledger_accounts, text)
        print(f"{indexed:,} cases indexed and funded in {time.perf_counter() - started:.1f} s")
    if url.startswith("postgresql"):
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    actor = Actor("bench", "finance", frozenset({COURT}), id="bench")
    typo = subs[count // 2]
    typo = typo[:6] + str((int(typo[6]) + 1) % 10) + typo[7:]
    cases = {
        "list, newest first": CaseFilters(),
        "q=whole case number": CaseFilters(query=read_query(numbers[count // 3])),
        "q=1234 (sequence prefix)": CaseFilters(query=read_query("1234")),
        "q=京0105执 (every case)": CaseFilters(query=read_query("京0105执")),
        "q=party name": CaseFilters(query=read_query(f"被执行人{count // 4}")),
        "q=sub-account": CaseFilters(query=read_query(subs[count // 5])),
        "q=sub-account one digit off": CaseFilters(query=read_query(typo)),
        "q=respondent account": CaseFilters(query=read_query(f"62220{count // 6:014d}")),
        "held": CaseFilters(held=True),
        "overdue": CaseFilters(overdue=True),
        "available > 1000 yuan": CaseFilters(available_gt=100_000),
        "sort by available": CaseFilters(sort=CaseSort.AVAILABLE),
        "sort by received asc": CaseFilters(sort=CaseSort.RECEIVED, descending=False),
    }
    print(f"{'query':34} {'page ms':>8} {'totals ms':>10} {'items':>6}")
    for name, filters in cases.items():
        page_ms, found = _best(
            lambda f=filters: case_search.search_cases(UnitOfWork(engine), actor, f)
        )
        totals_ms, _ = _best(
            lambda f=filters: case_search.case_list_totals(UnitOfWork(engine), actor, f)
        )
        print(f"{name:34} {page_ms:8.1f} {totals_ms:10.1f} {len(found['items']):6}")
    engine.dispose()


def _fund(conn, count, update, ledger_accounts, text) -> None:
    """Random balances on a third of the cases, holds on some; overdue alerts on a few."""
    random.seed(7)
    la = ledger_accounts.c
    for case_id in random.sample(range(1, count + 1), count // 3):
        received = random.randrange(1, 10_000_000)
        held = received // 4 if case_id % 7 == 0 else 0
        conn.execute(
            update(ledger_accounts)
            .where(la.case_id == case_id)
            .values(received=received, held=held)
        )
    for case_id in random.sample(range(1, count + 1), max(1, count // 500)):
        conn.execute(
            text(
                "INSERT INTO alerts (kind, severity, court, subject, case_id, facts, status, "
                "raised_at) VALUES ('notice_overdue', 'warning', :court, :subject, :case_id, "
                "'{}', 'open', CURRENT_TIMESTAMP)"
            ),
            {"court": COURT, "subject": f"case:{case_id}", "case_id": case_id},
        )


def _best(call, runs: int = 5):
    best, result = None, None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        took = (time.perf_counter() - started) * 1000
        best = took if best is None else min(best, took)
    return best, result


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    return parser.parse_args()


if __name__ == "__main__":
    main()
