"""At 390 px the tables that do not stack keep every number whole: an amount, an account,
a case number or a date never breaks across lines, while the page still does not scroll
sideways and axe finds nothing serious (#20)."""

from __future__ import annotations

import pytest

from tests.e2e.accessibility import assert_accessible, assert_no_sideways_scroll
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_every_page_accessible_browser import seeded

__all__ = ["seeded"]  # the fixture

pytestmark = pytest.mark.browser

#: the numbers of the tables that do not stack whose text runs over more than one line:
#: each element of a number's class, and each date or case number, measured by its own
#: text's line boxes (a cell may wrap around it; the number itself may not)
BROKEN = r"""() => {
  const out = [];
  const lines = (node, from, to) => {
    const range = document.createRange();
    range.setStart(node, from); range.setEnd(node, to);
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    return new Set(rects.map(r => Math.round(r.top))).size;
  };
  const number = /[0-9][0-9,.:\-]*[0-9]|[（(][0-9]{4}[）)][\u4e00-\u9fff0-9]+号/g;
  for (const table of document.querySelectorAll('table:not(.table-stack):not(.stack-on-phone)')) {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.closest('.audit-table')) continue;  // prose, not figures
      for (const m of node.textContent.matchAll(number)) {
        if (m[0].replace(/[^0-9]/g, '').length < 4) continue;
        if (lines(node, m.index, m.index + m[0].length) > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""


def pages(case_id: int) -> dict[str, str]:
    return {
        "orphans": "/orphans",
        "history": "/statements",
        "statement": "/statements/1",
        "case": f"/cases/{case_id}",
        "account-statement": f"/cases/{case_id}/account-statement",
        "approval-form": "/payments/1/approval-form",
        "execution-check": "/reports/execution-finance-check",
    }


def test_no_number_breaks_inside_at_390_px(at_size, seeded):
    phone, desktop = at_size("phone"), at_size("desktop")
    for page in (phone, desktop):
        sign_in(page, "管理员")
    broken = {}
    for name, path in pages(seeded["id"]).items():
        phone.goto(path)
        assert_no_sideways_scroll(phone)
        assert_accessible(phone)
        if found := phone.evaluate(BROKEN):
            broken[name] = found
        amounts = phone.locator("table:not(.table-stack) td.num .money")
        for i in range(min(amounts.count(), 5)):  # one line high, as a whole number is
            box = amounts.nth(i).bounding_box()
            assert box is None or box["height"] < 2 * 14, (name, amounts.nth(i).inner_text())
        phone.screenshot(path=f"/tmp/h4_{name}_390.png", full_page=True)
        desktop.goto(path)
        desktop.screenshot(path=f"/tmp/h4_{name}_1366.png", full_page=True)
        screenshot(phone, f"numbers-{name}-phone")
    assert not broken, broken
