"""Browser tests: the app on a live loopback server, driven by Debian's Chromium.

They skip, saying why, only when /usr/bin/chromium or the playwright package is missing
(`apt-get install chromium`, `pip install -e '.[browser]'`; never `playwright install`).
Screenshots at 1366×768 go to artifacts/screenshots/<page>.png.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e import chinese_pages
from tests.e2e.accessibility import PHONE, sized_page
from tests.integration.conftest import court, other_court, register_case  # noqa: F401
from tests.integration.staff_pages import PASSWORD, staff  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing: pip install -e '.[browser]'"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install chromium"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason is None:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """Serve the test app on an ephemeral loopback port; return its base URL. A Chinese
    page it served with an English sentence fails the test (tests/e2e/chinese_pages.py)."""
    english = chinese_pages.watch(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()
    assert not english, "English on Chinese pages:\n" + "\n".join(sorted(set(english)))


@pytest.fixture
def new_page(browser, live_server):
    """Return a factory of pages, each a separate browser session (one per user)."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def at_size(browser, live_server):
    """Return a factory of pages of a window size: "desktop" (1366 px) or "phone" (390 px)."""
    pages = []

    def make(size: str):
        page = sized_page(browser, live_server, VIEWPORT if size == "desktop" else PHONE)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def screenshot(page, name: str) -> Path:
    """Save what the page shows at 1366×768 as artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
