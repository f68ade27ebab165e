"""The staff pages' defences, through HTTP: redirects, headers, sessions, sign-in limits."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import select, update

from reconcile.clock import utc_now
from reconcile.db.tables import audit_records
from reconcile.db.tables_users import sign_in_throttles, staff_sessions, users
from reconcile.services import users as user_service
from tests.integration.staff_pages import PASSWORD, csrf_token, post_form, staff

__all__ = ["staff"]

#: `next` values a browser would follow off the site, or that break the Location header
HOSTILE_NEXT = [
    "//evil.example",
    "//evil.example/",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "/\r\nSet-Cookie: evil=1",
    "\r\nLocation: https://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "evil.example",
    "@evil.example",
    "",
]


def browser_reading(location: str) -> str:
    """Return a Location as a browser parses it: no tabs or newlines, backslash as slash."""
    return re.sub(r"[\t\n\r]", "", location).strip("\x00 ").replace("\\", "/")


def assert_stays_on_site(response, target: str) -> None:
    """The answer is a redirect to the start page, never a 5xx; a NUL byte is refused as
    input (422) before any page sees it."""
    assert response.status_code < 500, repr(target)
    if "\x00" in target:
        assert response.status_code == 422
        return
    assert response.status_code == 302, repr(target)
    location = browser_reading(response.headers["Location"])
    parts = urlsplit(location)
    assert location.startswith("/") and not location.startswith("//"), repr(target)
    assert not parts.scheme and not parts.netloc, repr(target)
    assert response.headers["Location"] == "/", repr(target)


def sign_in_from(client, username: str, password: str = PASSWORD, source: str = "10.0.0.1"):
    """Sign in through the form from a source address; return the response."""
    env = {"REMOTE_ADDR": source}
    token = csrf_token(client.get("/login", environ_base=env).get_data(as_text=True))
    form = {"username": username, "password": password, "csrf_token": token}
    return client.post("/login", data=form, environ_base=env)


def sign_out(client):
    return post_form(client, "/", "/logout")


# ---- 8. redirects after sign-in and after a language switch stay on the site ----


def test_sign_in_never_sends_the_browser_off_the_site(client, staff):
    staff("finance")
    for target in HOSTILE_NEXT:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        form = {"username": "finance", "password": PASSWORD, "csrf_token": token}
        response = client.post(f"/login?next={quote(target, safe='')}", data=form)
        assert_stays_on_site(response, target)


def test_a_hostile_next_in_the_form_is_dropped_too(client, staff):
    staff("finance")
    for target in HOSTILE_NEXT:
        page = client.get(f"/login?next={quote(target, safe='')}")
        assert page.status_code == (422 if "\x00" in target else 200), repr(target)
        nexts = re.findall(r'name="next" value="([^"]*)"', page.get_data(as_text=True))
        assert all(n.startswith("/login?") for n in nexts)  # the language switch's: back here
        token = csrf_token(client.get("/login").get_data(as_text=True))
        form = {"username": "finance", "password": PASSWORD, "csrf_token": token, "next": target}
        assert_stays_on_site(client.post("/login", data=form), target)


def test_the_language_switch_never_sends_the_browser_off_the_site(client, staff):
    staff("finance")
    sign_in_from(client, "finance")
    for target in HOSTILE_NEXT:
        response = post_form(client, "/", "/language", language="en", next=target)
        assert_stays_on_site(response, target)


@pytest.mark.parametrize("target", ["/orphans", "/cases?q=%E4%BA%AC", "/cases/1", "/alerts?x=/y"])
def test_a_page_of_the_site_is_still_gone_back_to(client, staff, target):
    staff("finance")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    form = {"username": "finance", "password": PASSWORD, "csrf_token": token, "next": target}
    assert client.post("/login", data=form).headers["Location"] == target
    response = post_form(client, "/", "/language", language="en", next=target)
    assert response.headers["Location"] == target


# ---- 9. security headers on every response ----


def assert_security_headers(response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], policy
    assert directives.get("style-src") == ["'self'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in (
        "same-origin",
        "strict-origin-when-cross-origin",
    )


def test_the_approvals_page_cannot_be_framed(client, staff):
    staff("approver")
    sign_in_from(client, "approver")
    response = client.get("/approvals")
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize(
    "path", ["/login", "/", "/no-such-page", "/static/app.js", "/healthz", "/api/v1/cases/1"]
)
def test_every_response_carries_the_security_headers(client, court, path):
    with client.get(path, headers=court.headers("enforcement")) as response:
        assert_security_headers(response)


def test_the_api_and_its_errors_carry_the_security_headers(client, court):
    assert_security_headers(client.get("/api/v1/cases/999", headers=court.headers("finance")))
    assert_security_headers(client.get("/api/v1/cases/1"))  # no token: 401
    assert_security_headers(client.post("/login", data={}))  # no CSRF token: 400


def test_no_template_runs_inline_script_or_style():
    from tests.integration.test_web_pages import TEMPLATES

    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", text, re.I), template


# ---- 10. sessions end on the server ----


def _cookie(client) -> str:
    return client.get_cookie("reconcile_session").value


def test_a_copied_cookie_no_longer_works_after_signing_out(app, client, staff):
    staff("finance")
    assert sign_in_from(client, "finance").status_code == 302
    thief = app.test_client()
    thief.set_cookie("reconcile_session", _cookie(client))
    assert thief.get("/").status_code == 200
    sign_out(client)
    assert thief.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_the_cookie_carries_only_a_session_id_stored_hashed(app, client, staff, engine):
    staff("finance")
    sign_in_from(client, "finance")
    data = app.session_interface.get_signing_serializer(app).loads(_cookie(client))
    assert "user_id" not in data
    with engine.connect() as conn:
        stored = conn.execute(select(staff_sessions.c.token_hash)).scalars().all()
    assert len(stored) == 1 and data["sid"] not in stored and len(stored[0]) == 64


def test_a_session_ends_at_its_absolute_lifetime_however_busy(client, staff, engine, settings):
    staff("finance")
    sign_in_from(client, "finance")
    assert client.get("/").status_code == 200
    hours = settings["web"]["session_absolute_hours"]
    with engine.begin() as conn:
        conn.execute(
            update(staff_sessions).values(
                created_at=utc_now() - timedelta(hours=hours, minutes=1), last_seen=utc_now()
            )
        )
    assert client.get("/").status_code == 302


def test_a_session_unused_for_its_sliding_lifetime_ends(client, staff, engine, settings):
    staff("finance")
    sign_in_from(client, "finance")
    idle = timedelta(hours=settings["web"]["session_hours"], minutes=1)
    with engine.begin() as conn:
        conn.execute(update(staff_sessions).values(last_seen=utc_now() - idle))
    assert client.get("/").status_code == 302


def test_use_moves_the_sliding_lifetime_on(client, staff, engine):
    staff("finance")
    sign_in_from(client, "finance")
    earlier = utc_now() - timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(update(staff_sessions).values(last_seen=earlier))
    assert client.get("/").status_code == 200
    with engine.connect() as conn:
        seen = conn.execute(select(staff_sessions.c.last_seen)).scalar_one()
    assert seen.replace(tzinfo=None) > earlier.replace(tzinfo=None) + timedelta(minutes=59)


def test_a_disabled_user_is_signed_out_at_once(client, staff, engine):
    staff("finance")
    sign_in_from(client, "finance")
    with engine.begin() as conn:
        conn.execute(update(users).values(disabled=True))
    assert client.get("/").status_code == 302


# ---- 11. sign-in limits: per source and per name from a source, never a lock-out ----


def test_failures_from_one_source_never_lock_the_user_out_elsewhere(client, staff, settings):
    staff("finance")
    for _ in range(settings["web"]["sign_in_free_failures"]):
        assert sign_in_from(client, "finance", "wrong", source="10.6.6.6").status_code == 200
    refused = sign_in_from(client, "finance", source="10.6.6.6")
    assert refused.status_code == 200 and "用户名或密码错误" in refused.get_data(as_text=True)
    assert sign_in_from(client, "finance", source="10.1.1.1").status_code == 302


def test_the_wait_doubles_per_failure_and_ends(client, staff, settings, engine):
    staff("finance")
    web = settings["web"]
    for _ in range(web["sign_in_free_failures"]):
        sign_in_from(client, "finance", "wrong")
    assert sign_in_from(client, "finance").status_code == 200  # must wait
    wait = timedelta(seconds=web["sign_in_backoff_seconds"])
    with engine.begin() as conn:  # the wait has passed
        conn.execute(update(sign_in_throttles).values(last_at=utc_now() - wait * 1.5))
    assert sign_in_from(client, "finance", "wrong").status_code == 200
    with engine.begin() as conn:  # after one more failure, the first wait is not enough
        conn.execute(update(sign_in_throttles).values(last_at=utc_now() - wait * 1.5))
    assert sign_in_from(client, "finance").status_code == 200
    with engine.begin() as conn:
        conn.execute(update(sign_in_throttles).values(last_at=utc_now() - wait * 2.5))
    assert sign_in_from(client, "finance").status_code == 302


def test_a_source_over_its_limit_is_refused_for_every_name(app, client, staff):
    staff("finance")
    app.extensions["reconcile"].settings["web"]["sign_in_source_failures"] = 5
    for n in range(5):
        sign_in_from(client, f"guess{n}", "wrong", source="10.6.6.6")
    assert sign_in_from(client, "finance", source="10.6.6.6").status_code == 200
    assert sign_in_from(client, "finance", source="10.1.1.1").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_sources_limit(app, client, staff):
    staff("finance")
    app.extensions["reconcile"].settings["web"]["sign_in_source_failures"] = 2
    for _ in range(4):  # an office behind one address signing in all morning
        assert sign_in_from(client, "finance", source="10.0.0.9").status_code == 302
        sign_out(client)


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_source(app, client, staff):
    staff("finance")
    app.extensions["reconcile"].settings["web"]["proxy_hops"] = 1

    def attempt(password, client_address):
        env = {"REMOTE_ADDR": "127.0.0.1"}
        headers = {"X-Forwarded-For": f"1.2.3.4, {client_address}"}  # the first is forged
        token = csrf_token(client.get("/login", environ_base=env).get_data(as_text=True))
        form = {"username": "finance", "password": password, "csrf_token": token}
        return client.post("/login", data=form, environ_base=env, headers=headers)

    for _ in range(3):
        attempt("wrong", "10.6.6.6")
    assert attempt(PASSWORD, "10.6.6.6").status_code == 200
    assert attempt(PASSWORD, "10.1.1.1").status_code == 302


def _refusal(client, username, password, source="10.0.0.1"):
    response = sign_in_from(client, username, password, source)
    page = re.sub(r'(value|content)="[^"]*"', "", response.get_data(as_text=True))
    return response.status_code, page


def test_unknown_disabled_wrong_and_waiting_read_the_same_and_cost_the_same(
    client, staff, engine, settings, monkeypatch
):
    staff("finance")
    staff("finance", "停用")
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "停用").values(disabled=True))
    hashes = []
    real_check = user_service.check_password_hash
    monkeypatch.setattr(
        user_service, "check_password_hash", lambda h, p: hashes.append(1) or real_check(h, p)
    )
    wrong = _refusal(client, "finance", "wrong", "10.0.0.1")
    answers = {
        "unknown": _refusal(client, "nobody", "wrong", "10.0.0.2"),
        "disabled": _refusal(client, "停用", PASSWORD, "10.0.0.3"),
    }
    for _ in range(settings["web"]["sign_in_free_failures"]):
        sign_in_from(client, "finance", "wrong", source="10.0.0.4")
    hashes.clear()
    answers["waiting, right password"] = _refusal(client, "finance", PASSWORD, "10.0.0.4")
    assert wrong[0] == 200 and "用户名或密码错误" in wrong[1]
    for kind, answer in answers.items():
        assert answer[0] == wrong[0], kind
        assert answer[1] == wrong[1], (kind, _diff(answer[1], wrong[1]))
    assert hashes == [1]  # a name that must wait still costs one hash, like a wrong password


def test_attempts_sent_at_once_cannot_slip_past_the_limit(app, staff, engine, settings):
    staff("finance")
    web = app.extensions["reconcile"].settings["web"]
    web["sign_in_backoff_seconds"] = 600
    clients = [app.test_client() for _ in range(8)]
    for c in clients:  # each has its form token already: the posts go out together
        c.token = csrf_token(c.get("/login").get_data(as_text=True))
    start = threading.Barrier(len(clients))

    def attempt(c):
        start.wait()
        form = {"username": "finance", "password": "wrong", "csrf_token": c.token}
        c.post("/login", data=form)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as conn:
        failures = conn.execute(
            select(audit_records.c.after).where(audit_records.c.action == "user.sign_in_failed")
        ).scalars()
        counted = [f for f in failures if f["failures_from_source"] is not None]
    assert len(counted) == web["sign_in_free_failures"]  # the rest must wait 10 minutes


def _diff(a: str, b: str) -> str:
    import difflib

    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm=""))


# ---- 12. slow clients cannot hold the workers ----

ROOT = Path(__file__).resolve().parents[2]
TRICKLE = b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nusername=x"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthz_seconds(port: int) -> float:
    start = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        assert response.status == 200
    return time.monotonic() - start


def _trickle(sock: socket.socket, stop: threading.Event, cut: list) -> None:
    """Send a request a byte every 0.2 s until told to stop or the server hangs up."""
    for byte in TRICKLE:
        if stop.wait(0.2):
            return
        try:
            sock.send(bytes([byte]))
        except OSError:
            break
    else:
        return
    cut.append(time.monotonic())


def test_clients_trickling_requests_cannot_hold_the_workers(database_url, tmp_path):
    pytest.importorskip("gunicorn", reason="gunicorn is the production server")
    port, head_seconds = _free_port(), 3
    env = {
        **os.environ,
        "RECONCILE_DATABASE_URL": database_url,
        "RECONCILE_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "RECONCILE_HEAD_SECONDS": str(head_seconds),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "api.wsgi:app"]
    with (tmp_path / "gunicorn.log").open("w+") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            _wait_until_served(server, port)
            _check_trickling_clients(port, head_seconds)
        finally:
            server.terminate()
            server.wait(timeout=15)


def _wait_until_served(server, port: int) -> None:
    deadline = time.monotonic() + 30  # booting is not what is measured; a busy host is slow
    while True:
        try:
            _healthz_seconds(port)
            return
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)


def _check_trickling_clients(port: int, head_seconds: float) -> None:
    stop, cut = threading.Event(), []
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
    threads = [threading.Thread(target=_trickle, args=(s, stop, cut)) for s in sockets]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        time.sleep(1)  # every trickling request has reached a thread
        assert max(_healthz_seconds(port) for _ in range(3)) < 2
        # the server hangs up on each within its deadline (from when a thread took it up:
        # one may have waited for a thread, one deadline at most)
        for s in sockets:
            s.settimeout(2 * head_seconds + 2)
            assert _answer(s) in (b"", b"HTTP/1.1 400")  # hung up, or a refusal
        assert time.monotonic() - started < 2 * head_seconds + 2
    finally:
        stop.set()
        for t in threads:
            t.join()
        for s in sockets:
            s.close()


def _answer(sock: socket.socket) -> bytes:
    try:
        return sock.recv(12)
    except ConnectionResetError:  # hung up on with bytes of ours unread: also an end
        return b""


def test_failures_are_audited_with_their_source_and_old_counters_forgotten(client, staff, engine):
    staff("finance")
    sign_in_from(client, "finance", "wrong", source="10.6.6.6")
    sign_in_from(client, "nobody", "wrong", source="10.7.7.7")
    with engine.begin() as conn:
        conn.execute(
            update(sign_in_throttles)
            .where(sign_in_throttles.c.failures > 0)
            .values(last_at=utc_now() - timedelta(days=2))
        )
    assert sign_in_from(client, "finance", source="10.1.1.1").status_code == 302
    with engine.connect() as conn:
        audited = conn.execute(
            select(audit_records.c.action, audit_records.c.after).where(
                audit_records.c.action.like("user.sign%")
            )
        ).all()
        left = conn.execute(select(sign_in_throttles.c.key)).scalars().all()
    assert [a for a, _ in audited] == ["user.sign_in_failed", "user.signed_in"]
    assert audited[0].after == {"source": "10.6.6.6", "failures_from_source": 1}
    assert len(left) == 1  # the source that just signed in; the stale ones are gone
