"""API benchmark: gunicorn with 4 workers on PostgreSQL; balance reads and payment requests.

    createdb -h 127.0.0.1 -U postgres ops_bench
    RECONCILE_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/ops_bench \
        python bench/api_bench.py [--cases 2000] [--seconds 10] [--concurrency 8]

The database named there is emptied first (a database named `test` is refused: the test
fixtures own it). Set-up: one court, `--cases` cases, each with a named payee and
1,000,000.00 yuan credited by an imported statement; an enforcement token. Then gunicorn
(config/gunicorn.conf.py, `--workers` workers) on a free loopback port, and a load
generator in another process: `--concurrency` threads, each with its own keep-alive
connection, for `--seconds` per scenario after a one-second warm-up:
  read      GET /api/v1/cases/{id} (the balance), random cases
  disburse  POST /api/v1/cases/{id}/disbursements, 1.00 yuan to the named payee
Prints one JSON line per scenario: requests/s, p50/p90/p99 latency in ms, errors.
Targets on 2 cores shared with the load generator and PostgreSQL: read >= 1,000 req/s
with p99 <= 20 ms; disburse >= 200 req/s with p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURT, ACCOUNT, PREFIX = "京0105", "0200001009014401234", "8801"
MONEY_PER_CASE = "1000000.00"
TARGETS = {"read": (1000, 20.0), "disburse": (200, 100.0)}
MAX_REQUESTS = 500_000  #: per scenario, whatever the duration


def main() -> None:
    args = _arguments()
    url = _bench_url()
    started = time.perf_counter()
    token = set_up(url, args.cases)
    print(f"# set-up: {args.cases} cases in {time.perf_counter() - started:.1f} s", flush=True)
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp, _Gunicorn(url, port, args, Path(tmp)) as server:
        for scenario in args.scenarios:
            spec = {
                "port": port,
                "token": token,
                "scenario": scenario,
                "cases": args.cases,
                "seconds": args.seconds,
                "concurrency": args.concurrency,
            }
            before = _cpu_snapshot()
            result = _run_load(spec)
            result |= _server_cpu(before, server, url, result.pop("requests_total", 0))
            rate, p99 = TARGETS[scenario]
            result["target_met"] = result["requests_per_second"] >= rate and result["p99_ms"] <= p99
            result |= {"workers": args.workers, "worker_class": args.worker_class}
            print(json.dumps(result), flush=True)
        server.check_alive()


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--scenarios", nargs="+", default=["read", "disburse"])
    parser.add_argument(
        "--token-cache-seconds", type=int, default=None, help="[auth] token_cache_seconds"
    )
    parser.add_argument("--pool-size", type=int, default=None, help="[database] pool_size")
    parser.add_argument("--log-level", default=None, help="[logging] level")
    return parser.parse_args()


def _bench_url() -> str:
    from sqlalchemy.engine import make_url

    url = os.environ.get("RECONCILE_BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("set RECONCILE_BENCH_DATABASE_URL to a PostgreSQL database of its own")
    if make_url(url).database == "test":
        sys.exit("refusing to run on the database `test`: the test fixtures own it")
    return url


def set_up(url: str, case_count: int) -> str:
    """Empty the database; register the court and cases with payees and money; return a token."""
    from sqlalchemy import text

    from reconcile.db.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from bench.statements import register_cases

    subs, _numbers = register_cases(url, COURT, ACCOUNT, PREFIX, case_count)
    engine = make_engine(url)
    try:
        _name_payees(engine, case_count)
        _credit_every_case(engine, subs)
        return _enforcement_token(engine)
    finally:
        engine.dispose()


def payee_of(case_id: int) -> str:
    return f"1100601490{case_id:011d}"


def _name_payees(engine, case_count: int) -> None:
    from sqlalchemy import insert

    from reconcile.clock import utc_now
    from reconcile.db.tables import parties, party_accounts

    now, first = utc_now(), case_count + 1  # respondents took party ids 1..case_count
    with engine.begin() as conn:
        conn.execute(
            insert(parties),
            [
                {"id": first + i, "case_id": i + 1, "role": "applicant", "name": f"申请人{i + 1}"}
                for i in range(case_count)
            ],
        )
        conn.execute(
            insert(party_accounts),
            [
                {
                    "party_id": first + i,
                    "case_id": i + 1,
                    "kind": "payee",
                    "added_at": now,
                    "account_number": payee_of(i + 1),
                    "account_name": f"申请人{i + 1}",
                }
                for i in range(case_count)
            ],
        )
        # Party ids were given explicitly: move the sequence past them for later inserts.
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('parties', 'id'), (SELECT max(id) FROM parties))"
        )


def _credit_every_case(engine, subs: list[str]) -> None:
    import io

    from reconcile.actors import cli_actor
    from reconcile.db.uow import UnitOfWork
    from reconcile.services import imports

    rows = ["交易日期,交易流水号,对方户名,对方账号,子账号,收入金额,支出金额,摘要"]
    for i, sub in enumerate(subs):
        rows.append(
            f"2026-01-05,BENCH{i:09d},付款人{i},62229{i:014d},{sub},{MONEY_PER_CASE},,执行款"
        )
    data = ("\n".join(rows) + "\n").encode()
    report = imports.import_statement(
        UnitOfWork(engine),
        cli_actor("bench"),
        io.BytesIO(data),
        filename="bench.csv",
        format="csv",
        account=ACCOUNT,
    )
    if report["credits_matched"] != len(subs):
        sys.exit(f"set-up: only {report['credits_matched']} of {len(subs)} credits matched")


def _enforcement_token(engine) -> str:
    from reconcile.actors import cli_actor
    from reconcile.db.uow import UnitOfWork
    from reconcile.services import tokens

    return tokens.create_token(
        UnitOfWork(engine), cli_actor("bench"), role="enforcement", courts=[COURT], name="bench"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Gunicorn:
    """gunicorn on 127.0.0.1:`port` as a child process, stopped with SIGTERM on exit."""

    def __init__(self, url: str, port: int, args, tmp: Path) -> None:
        env = {
            **os.environ,
            "RECONCILE_DATABASE_URL": url,
            "RECONCILE_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(args.workers),
            "RECONCILE_WORKER_CLASS": args.worker_class,
            "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics"),
        }
        for name, value in (
            ("RECONCILE_AUTH_TOKEN_CACHE_SECONDS", args.token_cache_seconds),
            ("RECONCILE_DATABASE_POOL_SIZE", args.pool_size),
            ("RECONCILE_LOGGING_LEVEL", args.log_level),
        ):
            if value is not None:
                env[name] = str(value)
        self.env, self.port, self.log = env, port, tmp / "gunicorn.log"

    def __enter__(self) -> _Gunicorn:
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "api.wsgi:app"], cwd=ROOT, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                _get(self.port, "/healthz")
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def worker_pids(self) -> set[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            sys.exit(
                f"gunicorn exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}"
            )

    def __exit__(self, *_exc) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _cpu_snapshot() -> dict[int, float]:
    """Return the CPU seconds (user + system) of every process, by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    snapshot = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            snapshot[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return snapshot


def _server_cpu(before: dict[int, float], server: _Gunicorn, url: str, requests: int) -> dict:
    """Return the CPU the workers and this database's backends spent per request, in ms.

    It is the figure that does not depend on what else the machine runs: 2 cores give at
    most 2000 / (app + db) requests per second, before the load generator takes its part.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    after = _cpu_snapshot()
    engine = create_engine(url)
    with engine.connect() as conn:
        backends = conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": make_url(url).database},
        ).scalars()
        backends = set(backends)
    engine.dispose()
    workers = server.worker_pids()

    def spent(pids) -> float:
        return sum(after.get(p, 0) - before.get(p, 0) for p in pids)

    per = 1000 / max(requests, 1)
    return {
        "app_cpu_ms_per_request": round(spent(workers) * per, 2),
        "db_cpu_ms_per_request": round(spent(backends) * per, 2),
    }


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _run_load(spec: dict) -> dict:
    """Run the load generator in its own process; return its figures."""
    child = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--load", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
        timeout=spec["seconds"] + 120,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def load(spec: dict) -> None:
    """The load generator: threads with keep-alive connections; print the figures as JSON."""
    warm_up, seconds = 1.0, spec["seconds"]
    start = time.perf_counter() + warm_up
    stop = start + seconds
    results: list[tuple[list[float], int, int]] = []
    budget = threading.Semaphore(MAX_REQUESTS)
    threads = [
        threading.Thread(target=_client, args=(spec, start, stop, budget, results))
        for _ in range(spec["concurrency"])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies = sorted(ms for thread_latencies, _, _ in results for ms in thread_latencies)
    errors = sum(e for _, e, _ in results)
    figures = _figures(spec["scenario"], latencies, errors, seconds)
    # with the warm-up: what the server's CPU figures are divided by
    figures["requests_total"] = sum(n for _, _, n in results)
    print(json.dumps(figures))


def _client(spec, start, stop, budget, results) -> None:
    rng = random.Random()
    conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=10)
    headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}
    latencies: list[float] = []
    errors = sent_total = 0
    while (now := time.perf_counter()) < stop and budget.acquire(blocking=False):
        case_id = rng.randint(1, spec["cases"])
        if spec["scenario"] == "read":
            method, path, body = "GET", f"/api/v1/cases/{case_id}", None
        else:
            method, path = "POST", f"/api/v1/cases/{case_id}/disbursements"
            body = json.dumps(
                {"amount": "1.00", "payee_account_number": payee_of(case_id), "note": "bench"}
            )
        sent = time.perf_counter()
        sent_total += 1
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status in (200, 201)
        except (OSError, http.client.HTTPException):
            conn.close()
            ok = False
        if now >= start:
            latencies.append((time.perf_counter() - sent) * 1000)
            errors += not ok
    conn.close()
    results.append((latencies, errors, sent_total))


def _figures(scenario: str, latencies: list[float], errors: int, seconds: float) -> dict:
    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2)

    if not latencies:
        return {"scenario": scenario, "requests": 0, "errors": errors}
    return {
        "scenario": scenario,
        "requests": len(latencies),
        "errors": errors,
        "requests_per_second": round(len(latencies) / seconds),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1], 2),
    }


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--load":
        load(json.loads(sys.argv[2]))
    else:
        main()
