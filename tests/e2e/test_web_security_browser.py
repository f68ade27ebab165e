"""The security headers in a real browser: nothing the pages need is blocked, no framing."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

PAGES = ("/", "/approvals", "/alerts", "/cases", "/reports/reconciliation")


def test_the_pages_break_no_rule_of_their_content_security_policy(new_page, staff):
    staff("admin", "管理员")
    page = new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content Security Policy: ' + e.violatedDirective))"
    )
    sign_in(page, "管理员")
    for path in PAGES:
        page.goto(path)
    page.get_by_role("button", name="English").click()  # a form and app.js at work
    page.wait_for_load_state()
    assert violations == []
    # the stylesheet applied (style-src 'self' lets it in): the top bar is laid out by it
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") != "inline"


@pytest.fixture
def other_site(live_server):
    """Serve, on another origin (localhost, not 127.0.0.1), a page that frames /approvals."""
    html = f'<!doctype html><iframe src="{live_server}/approvals"></iframe>'.encode()

    class Framing(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Framing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_another_site_cannot_frame_the_approvals_page(new_page, staff, live_server, other_site):
    staff("approver", "审批人")
    page = new_page()
    sign_in(page, "审批人")
    page.goto(other_site)
    page.wait_for_timeout(1000)
    (frame,) = page.main_frame.child_frames
    assert not frame.url.startswith(live_server), frame.url  # Chromium's error page instead
