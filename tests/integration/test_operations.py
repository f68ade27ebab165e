"""Operations: health and readiness, metrics, request ids in structured logs, the token
cache, the scheduler process, and gunicorn itself."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text, update
from sqlalchemy.exc import OperationalError

from api import create_app
from api import logging as app_logging
from reconcile.clock import utc_now
from reconcile.db import ops_figures
from reconcile.db.engine import make_engine
from reconcile.db.tables import api_tokens
from reconcile.db.tables_alerts import deliveries
from reconcile.db.uow import UnitOfWork
from tests.integration.alerting import raise_one
from tests.integration.money import credit_case
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement, upload

ROOT = Path(__file__).resolve().parents[2]
RESPONDENT_ACCOUNT = "6222020200112233445"  #: a full bank account number (conftest's case)


@pytest.fixture
def log_lines(caplog):
    """Return a function giving the JSON lines logged so far, formatted as production does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(app_logging.JsonFormatter())
    handler.addFilter(app_logging.RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def app_with(settings, engine, **sections):
    """Build an app whose settings differ in `sections`."""
    changed = {**settings, **{name: {**settings[name], **v} for name, v in sections.items()}}
    app = create_app({"settings": changed, "engine": engine})
    app.config["TESTING"] = True
    return app


def metric_samples(client) -> dict[tuple[str, frozenset], float]:
    """Scrape /metrics; return every sample by (name, labels)."""
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def labels(**values) -> frozenset:
    return frozenset(values.items())


# -- health ---------------------------------------------------------------------------


def test_healthz_answers_without_a_token_or_the_database(settings, tmp_path):
    unreachable = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    client = create_app({"settings": settings, "engine": unreachable}).test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_the_database_and_an_empty_outbox(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert (body["outbox"]["status"], body["outbox"]["pending"], body["outbox"]["dead"]) == (
        "ok",
        0,
        0,
    )


def test_readyz_answers_503_when_the_database_is_unreachable(settings, tmp_path):
    unreachable = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    client = create_app({"settings": settings, "engine": unreachable}).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


@pytest.mark.postgres
def test_a_probe_cancels_a_slow_statement_and_leaves_its_connection_unbounded(engine):
    with UnitOfWork(engine, read_only=True) as uow:
        with (
            pytest.raises(OperationalError, match="statement timeout"),
            ops_figures.statement_time_limit(uow.conn, 50),
        ):
            uow.conn.execute(text("SELECT pg_sleep(2)"))
        assert uow.conn.execute(text("SHOW statement_timeout")).scalar_one() == "0"


def test_dead_letters_leave_the_service_ready_but_flagged(client, court, uow, engine):
    raise_one(uow, court.code)
    raise_one(uow, court.code)
    with engine.begin() as conn:
        conn.execute(
            update(deliveries).where(deliveries.c.id == 1).values(status="dead", attempts=9)
        )
    response = client.get("/readyz")
    assert response.status_code == 200
    outbox = response.get_json()["outbox"]
    assert (outbox["status"], outbox["pending"], outbox["dead"]) == ("dead_letters", 1, 1)


# -- metrics ----------------------------------------------------------------------------


def test_metrics_expose_the_request_histogram_by_route_and_status(client, court, register_case):
    case = register_case()
    client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("finance"))
    client.get("/api/v1/cases/999999", headers=court.headers("finance"))
    samples = metric_samples(client)
    route = "/api/v1/cases/<int:case_id>"
    count = "reconcile_http_request_duration_seconds_count"
    assert samples[(count, labels(endpoint=route, method="GET", status="200"))] == 1
    assert samples[(count, labels(endpoint=route, method="GET", status="404"))] == 1
    bucket = labels(endpoint=route, method="GET", status="200", le="+Inf")
    assert samples[("reconcile_http_request_duration_seconds_bucket", bucket)] == 1


def test_metrics_read_orphans_outbox_and_approvals_from_the_database(
    client, court, register_case, engine
):
    case = register_case()
    credit_case(engine, case["id"], 500_000)
    upload(client, court, csv_statement([Row("2026-03-02", "88.00", remark="货款")]))
    client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "100.00", "payee_account_number": PAYEE},
        headers=court.headers("enforcement"),
    )
    samples = metric_samples(client)
    assert samples[("reconcile_business_figures_up", labels())] == 1
    assert samples[("reconcile_orphans", labels(court=court.code))] == 1
    assert samples[("reconcile_approvals_waiting", labels(kind="disbursement"))] == 1
    assert samples[("reconcile_approvals_waiting", labels(kind="deferral"))] == 0
    pending_alerts = samples[
        ("reconcile_outbox_deliveries", labels(topic="alert", status="pending"))
    ]
    assert pending_alerts >= 1  # the orphan's alert waits for the desk
    assert samples[("reconcile_outbox_deliveries", labels(topic="alert", status="dead"))] == 0


def test_clients_cannot_invent_metric_labels(client):
    client.open("/no/such/page/12345", method="BREW")
    samples = metric_samples(client)
    count = "reconcile_http_request_duration_seconds_count"
    assert samples[(count, labels(endpoint="unmatched", method="other", status="404"))] == 1


def test_a_statement_upload_is_counted_with_its_lines(client, court, register_case):
    case = register_case()
    rows = [Row("2026-03-02", "10.00", sub_account=case["sub_account_number"], reference="R1")]
    rows.append(Row("2026-03-02", "20.00", sub_account=case["sub_account_number"], reference="R2"))
    data = csv_statement(rows)
    assert upload(client, court, data).status_code == 201
    assert upload(client, court, data).status_code == 200  # the same file again
    samples = metric_samples(client)
    imports = "reconcile_statement_imports_total"
    assert samples[(imports, labels(format="csv", outcome="imported"))] == 1
    assert samples[(imports, labels(format="csv", outcome="duplicate"))] == 1
    assert samples[("reconcile_statement_import_lines_total", labels(format="csv"))] == 2
    assert samples[("reconcile_statement_import_duration_seconds_count", labels(format="csv"))] == 1


def test_an_upload_refused_as_too_large_is_counted_as_an_error(settings, engine, court):
    client = app_with(settings, engine, imports={"max_upload_mb": 1}).test_client()
    response = client.post(
        "/api/v1/statements",
        data=b"x" * (1024 * 1024 + 1),
        content_type="multipart/form-data; boundary=b",
        headers=court.headers("finance"),
    )
    assert response.status_code == 413
    samples = metric_samples(client)
    assert samples[("reconcile_statement_imports_total", labels(format="unknown", outcome="error"))]


def test_metrics_answer_only_on_the_admin_port_when_one_is_set(settings, engine):
    client = app_with(settings, engine, metrics={"port": 9100}).test_client()
    assert client.get("/metrics", base_url="http://localhost:8000/").status_code == 404
    assert client.get("/metrics", base_url="http://localhost:9100/").status_code == 200


def test_a_scrape_still_answers_when_the_database_is_away(settings, tmp_path):
    unreachable = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    client = create_app({"settings": settings, "engine": unreachable}).test_client()
    assert metric_samples(client)[("reconcile_business_figures_up", labels())] == 0


# -- request ids and logs ---------------------------------------------------------------------


def test_a_safe_request_id_from_the_client_is_echoed_and_logged(client, court, log_lines):
    response = client.get(
        "/api/v1/cases/1", headers=court.headers("finance", **{"X-Request-Id": "desk-42.a:b"})
    )
    assert response.headers["X-Request-Id"] == "desk-42.a:b"
    [line] = [x for x in log_lines() if x["logger"] == "reconcile.request"]
    assert line["request_id"] == "desk-42.a:b"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/cases/1", 404)
    assert line["actor"].startswith("token:")
    assert line["duration_ms"] >= 0
    assert {"ts", "level", "msg"} <= set(line)


@pytest.mark.parametrize("sent", [None, "", "x" * 65, "a b", "<script>", "编号"])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(client, sent, log_lines):
    headers = {} if sent is None else {"X-Request-Id": sent}
    response = client.get("/healthz", headers=headers)
    generated = response.headers["X-Request-Id"]
    assert generated != sent and len(generated) == 32
    [line] = [x for x in log_lines() if x["logger"] == "reconcile.request"]
    assert line["request_id"] == generated
    assert line["level"] == "DEBUG"  # probes do not drown the requests that matter


def test_every_line_written_during_a_request_carries_its_id(app, court, log_lines):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("something broke")

    response = app.test_client().get("/boom-for-test", headers={"X-Request-Id": "trace-1"})
    assert response.status_code == 500
    lines = log_lines()
    error = next(x for x in lines if x["logger"] == "api.errors")
    assert error["request_id"] == "trace-1" and "RuntimeError" in error["exc"]


def test_no_full_account_number_is_logged_for_requests_carrying_one(
    client, court, register_case, log_lines
):
    case = register_case()
    client.get(
        "/api/v1/verify-account",
        query_string={"case_number": case["case_number"], "account_number": RESPONDENT_ACCOUNT},
        headers=court.headers("desk"),
    )
    client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "1.00", "payee_account_number": RESPONDENT_ACCOUNT},
        headers=court.headers("enforcement"),
    )
    with client.application.test_request_context("/x"):
        logging.getLogger("reconcile.test").warning("paid to %s", RESPONDENT_ACCOUNT)
    lines = log_lines()
    assert len(lines) >= 3
    logged = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
    assert RESPONDENT_ACCOUNT not in logged
    assert "****3445" in logged


def test_account_and_id_numbers_are_masked_but_case_numbers_are_kept():
    assert app_logging.mask("付款账户6222020200112233445") == "付款账户****3445"
    assert app_logging.mask("身份证11010519491231002X。") == "身份证****002X。"
    assert app_logging.mask("（2024）京0105执1234号 1200.00") == "（2024）京0105执1234号 1200.00"
    assert app_logging.mask("token:12 alert 99887766") == "token:12 alert 99887766"


def test_logging_is_configured_once_in_the_format_the_settings_name(settings):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers[:] = []
    try:
        stream = io.StringIO()
        text_settings = {**settings, "logging": {"level": "WARNING", "format": "text"}}
        app_logging.configure(text_settings, stream)
        app_logging.configure(text_settings, stream)
        logging.getLogger("reconcile.test").warning("card 6222020200112233445")
        assert len(root.handlers) == 1 and root.level == logging.WARNING
        assert stream.getvalue().endswith("WARNING reconcile.test [-] card ****3445\n")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


@pytest.mark.parametrize(("key", "value"), [("format", "xml"), ("level", "LOUD")])
def test_an_unknown_log_format_or_level_is_refused_at_start(settings, engine, key, value):
    with pytest.raises(ValueError, match=r"\[logging\]"):
        app_with(settings, engine, logging={key: value})


# -- the token cache ----------------------------------------------------------------------


def _revoke_all(engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(api_tokens).values(revoked_at=utc_now()))


def test_a_revoked_token_stops_working_once_its_cache_entry_expires(app, court, engine):
    now = [1000.0]
    app.extensions["token_cache"].clock = lambda: now[0]
    client = app.test_client()
    headers = court.headers("finance")
    assert client.get("/api/v1/alerts", headers=headers).status_code == 200
    _revoke_all(engine)
    now[0] += 29
    assert client.get("/api/v1/alerts", headers=headers).status_code == 200  # within the TTL
    now[0] += 1
    assert client.get("/api/v1/alerts", headers=headers).status_code == 401
    now[0] -= 30  # an expired entry is gone, not merely hidden
    assert client.get("/api/v1/alerts", headers=headers).status_code == 401


def test_without_a_cache_a_revoked_token_fails_at_once(settings, engine, court):
    client = app_with(settings, engine, auth={"token_cache_seconds": 0}).test_client()
    headers = court.headers("finance")
    assert client.get("/api/v1/alerts", headers=headers).status_code == 200
    _revoke_all(engine)
    assert client.get("/api/v1/alerts", headers=headers).status_code == 401


def test_an_invalid_token_is_never_cached(app, court):
    client = app.test_client()
    bad = {"Authorization": "Bearer rct_not-a-token"}
    assert client.get("/api/v1/alerts", headers=bad).status_code == 401
    assert len(app.extensions["token_cache"]._entries) == 0


# -- the scheduler process ----------------------------------------------------------------


def test_the_scheduler_process_runs_every_job_until_told_to_stop(engine, settings, caplog):
    from api.scheduler import run_scheduler

    caplog.set_level(logging.INFO, logger="api.scheduler")
    stop = threading.Event()
    disabled = {**settings, "scheduler": {"enabled": False}}  # the command runs them anyway
    worker = threading.Thread(target=run_scheduler, args=(engine, disabled, stop))
    worker.start()
    deadline = time.monotonic() + 5
    while "scheduler started" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert (
        "scheduler started: audit_checkpoint, daily_reconciliation, deadline_scan, "
        "deliver_alerts, deliver_critical_alerts" in caplog.text
    )
    assert "scheduler stopped" in caplog.text


# -- gunicorn -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status, response.read().decode()


def test_gunicorn_serves_with_two_workers_and_stops_cleanly(database_url, tmp_path):
    pytest.importorskip("gunicorn", reason="gunicorn is the production server")
    port = _free_port()
    env = {
        **os.environ,
        "RECONCILE_DATABASE_URL": database_url,
        "RECONCILE_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "api.wsgi:app"]
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _check_served(server, port, log)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            returncode = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            returncode = server.wait()
        output = _tail(log)
        log.close()
    assert returncode == 0, output
    assert output.count("Booting worker") == 2, output
    assert "Shutting down: Master" in output
    request_lines = [json.loads(x) for x in output.splitlines() if '"reconcile.request"' in x]
    assert [(x["path"], x["status"]) for x in request_lines] == [("/api/v1/openapi.json", 200)]


def _check_served(server, port: int, log) -> None:
    # generous: two workers boot the app while the rest of the suite runs beside them
    deadline = time.monotonic() + 30
    while True:
        try:
            status, body = _get(f"http://127.0.0.1:{port}/healthz")
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, _tail(log)
            time.sleep(0.1)
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert _get(f"http://127.0.0.1:{port}/api/v1/openapi.json")[0] == 200
    _, metrics = _get(f"http://127.0.0.1:{port}/metrics")
    assert 'endpoint="/healthz"' in metrics  # summed over the workers' files


def _tail(log) -> str:
    """Return all gunicorn wrote (a few dozen lines)."""
    log.flush()
    log.seek(0)
    return log.read()
