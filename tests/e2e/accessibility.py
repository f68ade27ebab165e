"""Checks any browser test can call: axe-core in the page, and no sideways scroll.

axe-core comes bundled in the `axe-playwright-python` package (the `browser` extra): it is
injected into the page under test, so nothing is fetched from the network.
"""

from __future__ import annotations

#: axe's impacts that fail a test; "moderate" and "minor" are reported by axe, not failed
FAILING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}


def assert_accessible(page, *, exclude: tuple[str, ...] = ()) -> None:
    """Fail on any serious or critical axe-core violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = Axe().run(page, context=context)
    failing = [v for v in results.response["violations"] if v["impact"] in FAILING]
    assert not failing, f"{page.url}: " + "; ".join(_describe(v) for v in failing)


def assert_no_sideways_scroll(page) -> None:
    """Fail when the page is wider than the window (it would scroll sideways)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _describe(violation: dict) -> str:
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


def sized_page(browser, base_url: str, viewport: dict):
    """Return a page of a new browser session of this window size (close its context)."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=base_url)
    context.set_default_timeout(10_000)
    return context.new_page()
