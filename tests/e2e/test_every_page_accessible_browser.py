"""Every staff page in a browser at 1366 px and 390 px: axe-core finds nothing serious or
critical, and at 390 px no page scrolls sideways (#20).

The pages are the app's own GET routes of the staff pages (its url_map), not a list kept
by hand: a route without path arguments is visited as it is; one with arguments at the
first link to it that the pages visited show, from seeded data. Downloads (CSV, XLSX,
TOML, payment files) are skipped by rule; what cannot be reached so is named below.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.e2e.accessibility import assert_accessible, assert_no_sideways_scroll
from tests.e2e.conftest import screenshot, sign_in
from tests.integration.money import credit_case
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_statement_profiles import DEFINITION, create

pytestmark = pytest.mark.browser

#: a route whose rule ends so, or holds this, is a download, not a page
DOWNLOADS = (".toml", ".csv", ".xlsx", "<any(", "/download")
#: staff GET routes this walk does not visit, and why
EXCEPTIONS = {
    "web.auth.login": "visited signed out, first",
    "web.statements.old_profiles": "a redirect to /statement-profiles, visited",
    "web.line_rules.edit": "no line rule is seeded (its own tests visit it)",
    "web.line_rules.matches": "no line rule is seeded (its own tests visit it)",
}
SIZES = {"desktop": False, "phone": True}


def staff_routes(app) -> dict[str, str]:
    """Return {endpoint: rule} of the staff pages' GET routes that answer HTML."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("web.") or "GET" not in (rule.methods or ()):
            continue
        if any(mark in rule.rule for mark in DOWNLOADS) or rule.endpoint == "web.static":
            continue
        found[rule.endpoint] = rule.rule
    return found


def endpoint_of(app, href: str) -> str | None:
    """The staff endpoint a link of the site goes to, or None."""
    parts = urlsplit(href)
    if parts.netloc and not parts.netloc.startswith("127.0.0.1"):
        return None
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    return endpoint


@pytest.fixture
def seeded(client, court, register_case, engine, uow, admin, staff):
    """A case with money, a hold-free payment request, an orphan, an import, a user."""
    case = register_case()
    credit_case(engine, case["id"], 50_000_00)
    rows = [
        Row("2026-11-02", "300.00", "张伟", "6222020200112233445", "货款"),
        Row("2026-11-02", "90.00", "赵敏", "6214830100456789", "转账"),
        Row("2026-11-03", "120.00", "李娜", "", "", sub_account=case["sub_account_number"]),
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    request = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "800.00", "payee_account_number": "110060149018800012345", "note": "发放"},
        headers=court.headers("enforcement"),
    )
    assert request.status_code == 201, request.get_json()
    finance = court.headers("finance")
    orphan = client.get("/api/v1/transactions?status=orphan", headers=finance).get_json()
    refund = client.post(
        f"/api/v1/transactions/{orphan['items'][0]['id']}/refund",
        json={"reason": "付款人申请退回"},
        headers=finance,
    )
    assert refund.status_code == 200, refund.get_json()
    profile = create(client, court, {"name": "西班牙银行", "court": court.code, **DEFINITION})
    assert profile.status_code == 201, profile.get_json()
    staff("admin", "管理员")
    return case


#: the elements that stick out of the window, to say where a page scrolls sideways
WIDE = """() => { const w = document.documentElement.clientWidth; const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0)
      out.push(`${el.tagName}.${el.className} ${Math.round(r.right)}px`);
  }
  return out.slice(0, 5); }"""


def check(page, failures: list[str], *, phone: bool) -> None:
    """Note what axe finds serious on the page, and at 390 px a sideways scroll."""
    try:
        assert_accessible(page)
        if phone:
            assert_no_sideways_scroll(page)
    except AssertionError as failed:
        wide = page.evaluate(WIDE) if phone else []
        failures.append(f"{failed} {wide}".strip())


# one test per size, so that the two walks run on both xdist workers at once
@pytest.mark.parametrize("size", SIZES)
def test_every_staff_page_passes_axe(app, at_size, seeded, size):
    routes = staff_routes(app)
    failures: list[str] = []
    phone = SIZES[size]
    page = at_size(size)
    page.goto("/login")
    check(page, failures, phone=phone)
    sign_in(page, "管理员")
    to_visit = [rule for endpoint, rule in routes.items() if "<" not in rule]
    to_visit = [r for r in to_visit if endpoint_of(app, r) not in EXCEPTIONS]
    visited: dict[str, str] = {}
    while to_visit:
        url = to_visit.pop(0)
        endpoint = endpoint_of(app, url)
        if endpoint in visited:
            continue
        answer = page.goto(url)
        assert answer is not None and answer.status < 400, f"{url}: {answer and answer.status}"
        visited[endpoint] = url
        check(page, failures, phone=phone)
        screenshot(page, f"page-{endpoint.removeprefix('web.')}-{size}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            found = endpoint_of(app, href)
            if found in routes and found not in visited and found not in EXCEPTIONS:
                to_visit.append(urlsplit(href).path)
        if endpoint == "web.statements.upload_form":
            to_visit += [_upload(page, "p.csv", csv_statement(PREVIEWED), "/previews/")]
            page.goto(url)
            to_visit += [_upload(page, "kontoauszug.csv", UNKNOWN, "/layout")]
    missed = set(routes) - set(visited) - set(EXCEPTIONS)
    assert not missed, f"no link reaches {sorted(missed)}: seed it or name it in EXCEPTIONS"
    assert not failures, "\n".join(failures)


PREVIEWED = [Row("2026-11-05", "55.00", "王强", "", "预览")]
#: a file of no layout the service knows: the upload lands on the layout page
UNKNOWN = b"Buchungstag|Verwendungszweck|Umsatz\n05.11.2026|Miete|12,50\n"


def _upload(page, name: str, data: bytes, lands: str) -> str:
    """Upload a file through the form: to its preview, or to the layout page of a file
    of an unknown layout."""
    page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.locator("form:has(input[type=file]) button[type=submit]").click()
    page.wait_for_url(f"**{lands}**")
    return urlsplit(page.url).path
