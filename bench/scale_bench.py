"""Scale benchmark: books of growing size, and how long every read, page and daily job takes.

    python bench/scale_bench.py                   # 10k cases : 100k lines
    python bench/scale_bench.py --large           # and 100k : 1M
    python bench/scale_bench.py --huge            # and 200k : 10M (hours on SQLite)
    python bench/scale_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/scale_bench.py --payments 100000   # and 100,000 payments (bench/payments.py)

Each size gets a fresh database (SQLite in a temp dir, or the PostgreSQL database named,
emptied first). Cases are registered in bulk (bench/statements.py); the lines come in
through the real import use case, as daily statement files with a running balance (so
the reconciliation has the bank's balance to compare), a tenth of them in one last file
of the period; then some orphans are assigned and some payments requested, approved and
marked paid, so that every ledger path has rows; 30 debits no payment explains are flagged.
`--payments N` adds N payments in bulk (bench/payments.py: the rows the payment lists
read, in the statuses requested, approved, marked paid, paid and rejected; not through
the use cases, which would take hours), so that 付款记录 and 审批 have many to show.
Every figure is the best of 3, in
milliseconds (seconds for the jobs); the last table is the ratio of the largest size to
the smallest.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURT, ACCOUNT, PREFIX = "京0105", "0200001009014401234", "8801"
SIZES = {"default": [(10_000, 100_000)], "large": [(100_000, 1_000_000)]}
HUGE = (200_000, 10_000_000)
DAYS = 300  #: the period the lines spread over (bench/statements.py)
FILES = 10  #: statement files per size
PASSWORD = "bench horse battery staple"
RUN = int(time.time())  #: names this run's staff users and tokens (--measure-only reuses books)
SKIP: list[str] = []  #: --skip: figures not measured, by a word of their label
PAGE = {"scope": "page"}  #: a list's download of the page shown, not of all it filters
#: what a figure counts: wall time, or (--cpu) this process's CPU time — the requests and
#: jobs run in this process, so on SQLite that is all their work, and other load on a
#: shared machine moves it far less than the wall clock (on PostgreSQL the server's own
#: work is left out)
CLOCK = [time.perf_counter]


def main() -> None:
    args = _arguments()
    SKIP.extend(args.skip)
    if args.cpu:
        CLOCK[0] = time.process_time
    if args.per_line:
        _read_reconciliation_per_line()
    sizes = list(SIZES["default"])
    if args.large:
        sizes += SIZES["large"]
    if args.huge:
        sizes.append(HUGE)
    if args.sizes:
        sizes = [tuple(int(n) for n in s.split(":")) for s in args.sizes]
    results = {}
    for case_count, line_count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{Path(tmp) / 'scale.db'}"
            results[(case_count, line_count)] = run_size(
                Path(tmp),
                url,
                case_count,
                line_count,
                measure_only=args.measure_only,
                payments=args.payments,
            )
        _print_table({(case_count, line_count): results[(case_count, line_count)]})
    if len(results) > 1:
        _print_table(results)
        _print_ratios(results)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 100k cases : 1M lines")
    parser.add_argument("--huge", action="store_true", help="also 200k cases : 10M lines")
    parser.add_argument("--sizes", nargs="+", help="instead: CASES:LINES …")
    parser.add_argument(
        "--skip", nargs="+", default=[], help="do not measure figures whose label has a word"
    )
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure the book an earlier run left at --database-url (one size)",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="count this process's CPU time, not wall time (fairer on a loaded machine)",
    )
    parser.add_argument(
        "--payments",
        type=int,
        default=0,
        help="also add this many payments in bulk (bench/payments.py); default: only the "
        "20 the use cases pay",
    )
    parser.add_argument(
        "--per-line",
        action="store_true",
        help="read the reconciliation as before the daily totals (every line and entry)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("RECONCILE_BENCH_DATABASE_URL"),
        help="emptied first (a SQLite file: deleted); default: SQLite in a temp dir",
    )
    return parser.parse_args()


# --- building the books ------------------------------------------------------------


def run_size(
    tmp: Path,
    url: str,
    case_count: int,
    line_count: int,
    measure_only: bool = False,
    payments: int = 0,
) -> dict[str, float]:
    if measure_only:  # the book a run before built at this URL, of this size
        engine, settings = _engine(url)
        _upgrade(engine)
        figures = _measure(engine, settings, url, case_count)
        engine.dispose()
        return figures
    _empty(url)
    from bench.statements import register_cases

    print(f"building {case_count:,} cases : {line_count:,} lines on {url.split(':')[0]} …")
    started = time.perf_counter()
    subs, numbers = register_cases(url, COURT, ACCOUNT, PREFIX, case_count)
    engine, settings = _engine(url)
    imported = _import_lines(tmp, engine, subs, numbers, line_count)
    moved = _move_money(engine, settings, case_count)
    if payments:
        from bench.payments import add_payments

        moved += f"; {payments:,} payments added in bulk: {add_payments(engine, payments)}"
    if not url.startswith("sqlite"):
        # as autovacuum would soon after a load this size: without statistics the planner
        # takes the tables for empty and picks plans that read every orphan to show 50;
        # without the vacuum (since PostgreSQL 13 autovacuum runs one after many inserts)
        # no page is known all-visible, and the 合计 of 不明款 reads the table, not the index
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    built = time.perf_counter() - started
    print(f"  built in {built:.0f} s ({imported:,} lines/s imported; {moved})")
    figures = _measure(engine, settings, url, case_count)
    engine.dispose()
    return figures


def _empty(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    from sqlalchemy import text

    from reconcile.db.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _upgrade(engine) -> None:
    """Bring a book built by older code to this code's schema, and say how long it took."""
    from reconcile.db.migrate import upgrade

    started = time.perf_counter()
    upgrade(engine)
    print(f"  book upgraded to this code's schema in {time.perf_counter() - started:.1f} s")


def _engine(url: str):
    from reconcile.db.engine import make_engine
    from reconcile.settings import load_settings

    settings = load_settings(environ={"RECONCILE_DATABASE_URL": url})
    # one approval by anyone: the bench pays a few cases, it does not test who decides
    settings["approvals"] = {**settings["approvals"], "tiers": [{"levels": 1}]}
    settings["approvals"]["finance_review"] = False
    return make_engine(url, audit_key=settings["audit"]["key"]), settings


def _import_lines(tmp: Path, engine, subs, numbers, line_count: int) -> int:
    """Import the lines as FILES statements, each a run of days; return lines per second."""
    from bench.statements import _line
    from reconcile.actors import cli_actor
    from reconcile.db.uow import UnitOfWork
    from reconcile.services import imports

    random.seed(7)
    lines = [_line(i, subs, numbers) for i in range(line_count)]
    # a few debits no payment explains (flagged and alerted, as a bank fee would be): the
    # reconciliation lists every one of them until the day asked for
    debits = 3 * FILES
    for i in random.sample(range(line_count), debits):
        lines[i]["amount"] = "-" + lines[i]["amount"]
    per_file = -(-line_count // FILES)
    balance, seconds = Decimal(0), 0.0
    for n in range(FILES):
        chunk = lines[n * per_file : (n + 1) * per_file]
        if not chunk:
            break
        path = tmp / f"statement-{n}.csv"
        balance = _write_csv(path, chunk, balance)
        started = time.perf_counter()
        with path.open("rb") as source:
            imports.import_statement(
                UnitOfWork(engine), cli_actor("bench"), source, filename=path.name, account=ACCOUNT
            )
        seconds += time.perf_counter() - started
        path.unlink()
    return round(line_count / seconds)


def _write_csv(path: Path, lines: list[dict], balance: Decimal) -> Decimal:
    with path.open("w", encoding="utf-8") as out:
        out.write("交易日期,交易流水号,对方户名,对方账号,子账号,收入金额,支出金额,余额,摘要\n")
        for ln in lines:
            amount = Decimal(ln["amount"])
            balance += amount
            credit, debit = (ln["amount"], "") if amount > 0 else ("", str(-amount))
            out.write(
                f"{ln['date']:%Y-%m-%d},{ln['ref']},{ln['name']},{ln['account']},"
                f"{ln['sub']},{credit},{debit},{balance},{ln['remark']}\n"
            )
    return balance


def _move_money(engine, settings, case_count: int) -> str:
    """Assign some orphans, and pay some cases: entries of every kind the report reads."""
    from reconcile.actors import Actor
    from reconcile.db.uow import UnitOfWork
    from reconcile.errors import DomainError
    from reconcile.services import disbursements as payments
    from reconcile.services import transactions

    courts = frozenset({COURT})
    finance = Actor(name="财务", role="finance", courts=courts, id="finance:bench")
    approver = Actor(name="审批", role="approver", courts=courts, id="approver:bench")
    enforcement = Actor(name="执行", role="enforcement", courts=courts, id="enforcement:bench")
    orphans = transactions.list_transactions(UnitOfWork(engine), finance, status="orphan", limit=20)
    assigned = paid = 0
    for i, line in enumerate(orphans):
        try:
            transactions.assign_orphan(UnitOfWork(engine), finance, line["id"], i + 1, "来电确认")
            assigned += 1
        except DomainError as e:
            print(f"  (assignment refused: {e!r})")
    for case_id in range(1, 21):
        try:
            made = payments.request_disbursement(
                UnitOfWork(engine),
                enforcement,
                case_id,
                amount=100,
                payee_account_number=_payee(engine, case_id, case_count),
                note="发放案款",
                settings=settings,
            )
            payments.approve_disbursement(UnitOfWork(engine), approver, made["id"])
            if case_id % 2:
                payments.mark_paid(
                    UnitOfWork(engine), finance, made["id"], bank_reference=f"P{case_id}"
                )
            paid += 1
        except DomainError as e:
            print(f"  (payment refused: {e!r})")
    return f"{assigned} orphans assigned, {paid} payments approved"


def _payee(engine, case_id: int, case_count: int) -> str:
    """Give the bulk-registered case an applicant with a payee account; return its number."""
    from sqlalchemy import insert

    from reconcile.clock import utc_now
    from reconcile.db.tables import parties, party_accounts

    number = f"110060149018{case_id:09d}"
    with engine.begin() as conn:
        party = conn.execute(
            insert(parties).values(  # ids as bench/statements.py gives them: explicit
                id=case_count + case_id, case_id=case_id, role="applicant", name=f"申请人{case_id}"
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(party_accounts).values(
                party_id=party,
                case_id=case_id,
                kind="payee",
                account_number=number,
                added_at=utc_now(),
            )
        )
    return number


def _read_reconciliation_per_line() -> None:
    """Swap in the reconciliation's reads as they were before the daily totals (0018):
    sums over every line and entry up to the day, for the figures before and after."""
    from bench import per_line_reads as before
    from reconcile.db import reconciliation_store as store

    store._lines_sum, store.books, store.statement_days = (
        before.lines_sum,
        before.books,
        before.statement_days,
    )


# --- measuring ---------------------------------------------------------------------


def _measure(engine, settings, url: str, case_count: int) -> dict[str, float]:
    from api import create_app
    from reconcile.actors import cli_actor
    from reconcile.db.uow import UnitOfWork
    from reconcile.services import tokens, users

    app = create_app({"settings": settings, "engine": engine})
    app.config["TESTING"] = True
    logging.getLogger("reconcile").setLevel(logging.WARNING)  # one line per request
    admin = cli_actor("bench")
    token = {
        role: tokens.create_token(
            UnitOfWork(engine), admin, role=role, courts=[COURT], name=f"{role}-{RUN}"
        )
        for role in ("finance", "desk", "enforcement")
    }
    for role in ("finance", "approver"):
        users.create_user(
            UnitOfWork(engine),
            admin,
            username=f"{role}-{RUN}",
            password=PASSWORD,
            role=role,
            courts=[COURT],
        )
    last = date(2026, 1, 5) + timedelta(days=DAYS - 1)
    middle = last - timedelta(days=DAYS // 2)
    case_id = case_count // 2
    figures: dict[str, float] = {}

    api = app.test_client()

    def get(label: str, path: str, role: str, **query) -> None:
        headers = {"Authorization": f"Bearer {token[role]}"}
        _time(figures, label, lambda: _ok(api.get(path, query_string=query, headers=headers)))

    get("GET /reports/reconciliation (last day)", "/api/v1/reports/reconciliation", "finance",
        account=ACCOUNT, date=last.isoformat())  # fmt: skip
    get("GET /reports/reconciliation (mid period)", "/api/v1/reports/reconciliation", "finance",
        account=ACCOUNT, date=middle.isoformat())  # fmt: skip
    get("GET /cases/{id}", f"/api/v1/cases/{case_id}", "finance")
    get("GET /cases/{id}/ledger", f"/api/v1/cases/{case_id}/ledger", "finance")
    get("GET /transactions?status=orphan", "/api/v1/transactions", "finance", status="orphan")
    get("GET /alerts", "/api/v1/alerts", "desk")
    get("GET /disbursements", "/api/v1/disbursements", "finance")
    get("GET /statements", "/api/v1/statements", "finance")

    for role, pages in (
        ("finance", [
            ("page 今日工作 /", "/", {}),
            ("page 每日对账 /reports/reconciliation (7 days)", "/reports/reconciliation",
             {"date": last.isoformat()}),
            ("export 每日对账 CSV", "/reports/reconciliation.csv", {"date": last.isoformat()}),
            ("export 每日对账 XLSX", "/reports/reconciliation.xlsx", {"date": last.isoformat()}),
            ("page 不明款 /orphans", "/orphans", {}),
            ("page 预警 /alerts", "/alerts", {}),
            ("page 对账单 /statements", "/statements", {}),
            ("page 案件 /cases", "/cases", {}),
            ("page 案件 /cases/{id}", f"/cases/{case_id}", {}),
            # the list pages of #20: tabs, filters, sort, and the export of each
            ("page 付款记录 /payments", "/payments", {}),
            ("page 付款记录 /payments?status=paid", "/payments", {"status": "paid"}),
            ("page 付款记录 /payments?sort=largest", "/payments", {"sort": "largest"}),
            ("page 付款记录 /payments (filters, largest)", "/payments",
             {"kind": "payment", "from": "2026-01-01", "min": "0.01", "sort": "largest"}),
            # each list's download of everything the filters show, and of the page shown
            # (scope=page: the first page; a version without it answers everything)
            ("export 付款记录 XLSX", "/payments", {"format": "xlsx"}),
            ("export 付款记录 CSV", "/payments", {"format": "csv"}),
            ("export 付款记录 XLSX (this page)", "/payments", {"format": "xlsx", **PAGE}),
            ("export 付款记录 CSV (this page)", "/payments", {"format": "csv", **PAGE}),
            ("page 案件 /cases?suggested=yes", "/cases", {"suggested": "yes"}),
            ("export 案件 XLSX (suggested=yes)", "/cases", {"suggested": "yes", "format": "xlsx"}),
            ("export 案件 XLSX (this page)", "/cases", {"format": "xlsx", **PAGE}),
            ("export 案件 CSV (this page)", "/cases", {"format": "csv", **PAGE}),
            ("export 不明款 XLSX", "/orphans", {"format": "xlsx"}),
            ("export 不明款 CSV", "/orphans", {"format": "csv"}),
            ("export 不明款 XLSX (this page)", "/orphans", {"format": "xlsx", **PAGE}),
            ("export 不明款 CSV (this page)", "/orphans", {"format": "csv", **PAGE}),
            ("export 预警 XLSX", "/alerts", {"format": "xlsx"}),
            ("export 预警 CSV", "/alerts", {"format": "csv"}),
            ("export 预警 XLSX (this page)", "/alerts", {"format": "xlsx", **PAGE}),
            ("export 预警 CSV (this page)", "/alerts", {"format": "csv", **PAGE}),
            ("export 对账单 XLSX", "/statements", {"format": "xlsx"}),
            ("export 对账单 XLSX (this page)", "/statements", {"format": "xlsx", **PAGE}),
            ("export 对账单 CSV (this page)", "/statements", {"format": "csv", **PAGE}),
            ("page 规则 /line-rules", "/line-rules", {}),
            ("page 分配方案 /cases/{id}/distribution-plans",
             f"/cases/{case_id}/distribution-plans", {}),
        ]),
        ("approver", [
            ("page 今日工作 / (approver)", "/", {}),
            ("page 审批 /approvals", "/approvals", {}),
            ("page 审批 /approvals (filters, largest)", "/approvals",
             {"kind": "payment", "min": "0.01", "sort": "largest"}),
            ("export 审批 XLSX", "/approvals", {"format": "xlsx"}),
            ("export 审批 XLSX (this page)", "/approvals", {"format": "xlsx", **PAGE}),
            ("export 审批 CSV (this page)", "/approvals", {"format": "csv", **PAGE}),
        ]),
    ):  # fmt: skip
        staff = app.test_client()
        _sign_in(staff, f"{role}-{RUN}")
        for label, path, query in pages:
            if any(word in label for word in SKIP):
                continue  # not even asked once: an export can take seconds
            response = staff.get(path, query_string=query)
            response.close()  # a download streams: end it here, in its own request
            if response.status_code == 404:
                continue  # a page this version does not have
            _time(figures, label, lambda c=staff, p=path, q=query: _ok(c.get(p, query_string=q)))

    figures.update(_jobs(engine, settings, url))
    return figures


def _jobs(engine, settings, url: str) -> dict[str, float]:
    from click.testing import CliRunner

    from api.cli import cli

    env = {"RECONCILE_DATABASE_URL": url}
    runner = CliRunner()
    jobs = {}
    for label, command in (
        ("job reconcile scan-deadlines", ["scan-deadlines"]),
        ("job reconcile ledger verify", ["ledger", "verify"]),
        ("job reconcile audit verify", ["audit", "verify"]),
    ):

        def run(command=command):
            result = runner.invoke(cli, command, env=env, catch_exceptions=False)
            assert result.exit_code == 0, result.output

        _time(jobs, label, run)
    from reconcile.services.reconciliation import run_daily_reconciliation

    last = date(2026, 1, 5) + timedelta(days=DAYS - 1)
    _time(
        jobs,
        "job daily reconciliation (7 days)",
        lambda: run_daily_reconciliation(engine, settings, as_of=last),
    )
    return jobs


def _sign_in(client, username: str) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code in (302, 303), response.status_code


def _ok(response):
    if response.status_code != 200:
        raise AssertionError(response.status_code, response.get_data()[:300])
    response.get_data()  # a streamed download (CSV) is built only as it is read
    return response


def _time(figures: dict, label: str, call) -> None:
    """Time `call` (best of 3) into figures[label], unless --skip names it; say it."""
    if any(word in label for word in SKIP):
        return
    figures[label] = _best_of_3(call)
    print(f"  {label}: {_ms(figures[label])} ms", flush=True)


def _best_of_3(call) -> float:
    best = float("inf")
    clock = CLOCK[0]
    for _ in range(3):
        started = clock()
        call()
        best = min(best, clock() - started)
    return round(best * 1000, 1)


# --- printing ----------------------------------------------------------------------


def _size_name(size: tuple[int, int]) -> str:
    def short(n: int) -> str:
        return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"

    return f"{short(size[0])} : {short(size[1])}"


def _print_table(results: dict) -> None:
    sizes = list(results)
    labels = list(dict.fromkeys(label for r in results.values() for label in r))
    print()
    print("| ms, best of 3 | " + " | ".join(_size_name(s) for s in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for label in labels:
        cells = [_ms(results[s].get(label)) for s in sizes]
        print(f"| {label} | " + " | ".join(cells) + " |")
    sys.stdout.flush()


def _print_ratios(results: dict) -> None:
    sizes = list(results)
    small, large = results[sizes[0]], results[sizes[-1]]
    print()
    print(f"| ratio {_size_name(sizes[-1])} / {_size_name(sizes[0])} | |")
    print("|---|---:|")
    for label in large:
        if small.get(label):
            print(f"| {label} | {large[label] / small[label]:.2f} |")


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


if __name__ == "__main__":
    main()
