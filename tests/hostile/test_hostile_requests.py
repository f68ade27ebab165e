"""Hostile requests to the HTTP API: each is a 4xx with a clear `code`, never a 5xx, and a
refused one changes no row and not the audit head (see `unchanged` in conftest.py).

The lists, path ids, note fields and dates are discovered from the live OpenAPI
document, so a new list or note field is covered as soon as it is documented.
"""

from __future__ import annotations

import base64
import re

import pytest

from tests.hostile.conftest import unchanged
from tests.integration.payments import PAYEE

BEYOND_64_BITS = str(2**64 + 1)
HUGE = "9" * 5000  #: more digits than Python converts (4,300)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _document():
    """The live document, read once at collection (the app needs no database for it)."""
    from api import create_app
    from reconcile.settings import load_settings

    app = create_app({"settings": load_settings(environ={}), "engine": _NoEngine()})
    return app.test_client().get("/api/v1/openapi.json").get_json()


class _NoEngine:
    def dispose(self) -> None:  # pragma: no cover - never used
        pass


DOCUMENT = _document()
OPERATIONS = [
    (method, path, op)
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
    if method in ("get", "post", "patch", "put", "delete")
]
LISTS = [
    path
    for method, path, op in OPERATIONS
    if method == "get" and any(p["name"] == "cursor" for p in op.get("parameters", []))
]
WITH_IDS = [(m, p) for m, p, _ in OPERATIONS if "{" in p]
CURSORS = {
    "beyond 64 bits": _b64(BEYOND_64_BITS),
    "huge": _b64("9" * 40),
    "negative": _b64("-5"),
    "superscript two": _b64("²"),
    "arabic digit": _b64("٣"),
    "underscore": _b64("1_0"),
    "not base64": "%%%",
    "not ascii": "光标",
    "pair beyond 64 bits": _b64(f"{BEYOND_64_BITS}.{BEYOND_64_BITS}"),
    "long": "A" * 5000,
}


def _url(path: str, world: dict, value: str | None = None) -> str:
    # a path id the small world has no resource for names nothing (2**62): still refused
    return re.sub(r"\{(\w+)\}", lambda m: value or str(world.get(m.group(1), 2**62)), path)


def _required_query(path: str, world_case_number: str) -> dict:
    return {"case_number": world_case_number} if path == "/api/v1/cases" else {}


def assert_refused(response, status: int | tuple[int, ...] = (400, 404, 405, 413, 422)):
    statuses = (status,) if isinstance(status, int) else status
    body = response.get_json(silent=True) or {}
    assert response.status_code in statuses, (response.status_code, body)
    assert body.get("code"), body


@pytest.fixture(scope="module")
def case_number(client, court, world) -> str:
    case = client.get(f"/api/v1/cases/{world['case_id']}", headers=court.headers("admin"))
    return case.get_json()["case_number"]


def test_the_document_has_the_lists_and_ids_the_suite_covers():
    assert len(LISTS) >= 7 and len(WITH_IDS) >= 25


@pytest.mark.parametrize("cursor", CURSORS.values(), ids=CURSORS.keys())
@pytest.mark.parametrize("path", LISTS)
def test_a_cursor_the_service_never_issued_is_refused(
    client, court, world, engine, case_number, path, cursor
):
    query = {"cursor": cursor, **_required_query(path, case_number)}
    with unchanged(engine):
        response = client.get(_url(path, world), query_string=query, headers=court.headers("admin"))
    assert_refused(response, 422)


@pytest.mark.parametrize("path", LISTS)
def test_a_cursor_the_service_issued_still_pages(client, court, world, case_number, path):
    query = {"limit": 1, **_required_query(path, case_number)}
    first = client.get(_url(path, world), query_string=query, headers=court.headers("admin"))
    assert first.status_code == 200, first.get_json()
    cursor = first.get_json()["next_cursor"]
    if cursor:
        query["cursor"] = cursor
        again = client.get(_url(path, world), query_string=query, headers=court.headers("admin"))
        assert again.status_code == 200, again.get_json()


@pytest.mark.parametrize(("method", "path"), WITH_IDS, ids=[f"{m} {p}" for m, p in WITH_IDS])
def test_a_path_id_beyond_64_bits_names_nothing(client, court, world, engine, method, path):
    with unchanged(engine):
        response = client.open(
            _url(path, world, BEYOND_64_BITS),
            method=method.upper(),
            json={},
            headers=court.headers("admin"),
        )
    assert_refused(response, (404, 405))


EXTREME_DAYS = ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"]
DATE_QUERIES = [
    ("/api/v1/reports/reconciliation", "date"),
    ("/api/v1/cases/{case_id}/deadlines", "as_of"),
    ("/api/v1/statements", "from"),
    ("/api/v1/statements", "to"),
]


@pytest.mark.parametrize("day", EXTREME_DAYS)
@pytest.mark.parametrize(("path", "name"), DATE_QUERIES)
def test_a_day_no_court_will_see_is_refused_in_a_query(
    client, court, world, engine, path, name, day
):
    query = {name: day}
    if "reconciliation" in path:
        query["account"] = court.account
    with unchanged(engine):
        response = client.get(_url(path, world), query_string=query, headers=court.headers("admin"))
    assert_refused(response, 422)


@pytest.mark.parametrize("day", ["1900-01-01", "2026-11-30", "2999-12-31"])
def test_the_reconciliation_of_a_day_in_the_window_is_answered(client, court, day):
    response = client.get(
        "/api/v1/reports/reconciliation",
        query_string={"account": court.account, "date": day},
        headers=court.headers("finance"),
    )
    assert response.status_code == 200, response.get_json()


# ---- bodies: every note, reason and ground beyond its limit; hostile JSON ----


def _text_fields() -> list[tuple[str, str, str]]:
    """(method, path, field) of every free-text field of a JSON request body."""
    schemas = DOCUMENT["components"]["schemas"]
    found = []
    for method, path, op in OPERATIONS:
        content = op.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if not schema or "$ref" not in schema:
            continue
        props = schemas[schema["$ref"].rsplit("/", 1)[-1]].get("properties", {})
        for name, prop in props.items():
            types = prop.get("type")
            is_text = types == "string" or (isinstance(types, list) and "string" in types)
            if is_text and not prop.get("format") and name not in ("amount", "status", "kind"):
                found.append((method, path, name))
    return found


TEXT_FIELDS = _text_fields()
VALID_BODIES = {
    "holds": {"amount": "1.00", "reason": "执行异议", "document_reference": "（2026）执异1号"},
    "disbursements": {"amount": "1.00", "payee_account_number": PAYEE, "note": "发放"},
    "deferrals": {
        "ground": "执行异议",
        "document_reference": "（2026）执异2号",
        "review_on": "2099-12-31",
    },
    "payee-accounts": {
        "applicant_name": "北京华信商贸有限公司",
        "account_number": "6222020200119999888",
        "document_reference": "（2026）执3号",
    },
}


def _body_for(path: str) -> dict:
    from tests.integration.test_conformance import BODIES

    last = path.rsplit("/", 1)[-1]
    return dict(VALID_BODIES.get(last) or BODIES.get(last) or {})


def test_every_note_and_reason_field_is_found():
    names = {name for _, _, name in TEXT_FIELDS}
    assert {"note", "reason", "ground", "document_reference"} <= names
    assert len(TEXT_FIELDS) >= 20


@pytest.mark.parametrize(
    ("method", "path", "field"), TEXT_FIELDS, ids=[f"{m} {p} {f}" for m, p, f in TEXT_FIELDS]
)
def test_a_text_beyond_the_limit_is_refused(client, court, world, engine, method, path, field):
    body = {**_body_for(path), field: "长" * 2001 + "x" * 300_000}
    if path.endswith("/cases"):
        pytest.skip("the case body's texts are nested: see the registration cases below")
    with unchanged(engine):
        response = client.open(
            _url(path, world), method=method.upper(), json=body, headers=court.headers("admin")
        )
    assert_refused(response, (404, 409, 422))


@pytest.mark.parametrize(
    "where",
    ["account_name", "bank_name"],
)
@pytest.mark.parametrize("party", ["applicants", "respondents"])
def test_a_registration_with_a_name_beyond_the_limit_is_refused(
    client, court, engine, party, where
):
    from tests.integration.conftest import case_body

    body = case_body(court.code)
    account = body[party][0]["payee_accounts" if party == "applicants" else "accounts"][0]
    account[where] = "名" * 5000
    with unchanged(engine):
        response = client.post("/api/v1/cases", json=body, headers=court.headers("enforcement"))
    assert_refused(response, 422)


def test_a_9_mb_note_is_refused_before_it_is_parsed(client, court, world, engine):
    body = {"amount": "1.00", "payee_account_number": PAYEE, "note": "x" * 9_000_000}
    with unchanged(engine):
        response = client.post(
            f"/api/v1/cases/{world['case_id']}/disbursements",
            json=body,
            headers=court.headers("enforcement"),
        )
    assert_refused(response, 413)


RAW_BODIES = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "objects nested 100,000 deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "nested 40 deep": b'{"reason": ' + b"[" * 40 + b"]" * 40 + b"}",
    "an integer of 5,000 digits": b'{"amount": ' + HUGE.encode() + b"}",
    "a case id of 5,000 digits": b'{"case_id": ' + HUGE.encode() + b', "reason": "x"}',
    "a float of 400 digits": b'{"amount": 1e400}',
    "NaN": b'{"amount": NaN}',
    "invalid UTF-8": b'{"reason": "\xff\xfe\xc0\xaf"}',
    "overlong UTF-8 NUL": b'{"reason": "\xc0\x80"}',
    "a lone high surrogate": b'{"reason": "\\ud800", "amount": "1.00"}',
    "a lone low surrogate": b'{"reason": "\\udfff"}',
    "a surrogate in a key": b'{"\\ud800": "x"}',
    "an escaped NUL": b'{"reason": "a\\u0000b"}',
    "a NUL in a key": b'{"a\\u0000": "b"}',
    "a NUL in a nested string": b'{"x": [{"y": "\\u0000"}]}',
    "not JSON": b"{reason: x}",
    "truncated": b'{"reason": "x',
    "a bare string": b'"x"',
    "a bare number": HUGE.encode(),
    "UTF-16 with a BOM": '{"reason": "x"}'.encode("utf-16"),
}
POST_TARGETS = [
    "/api/v1/cases/{case_id}/holds",
    "/api/v1/cases/{case_id}/disbursements",
    "/api/v1/transactions/{transaction_id}/assign",
    "/api/v1/alerts/{alert_id}/resolve",
    "/api/v1/cases",
]


@pytest.mark.parametrize("raw", RAW_BODIES.values(), ids=RAW_BODIES.keys())
@pytest.mark.parametrize("path", POST_TARGETS)
def test_a_hostile_json_body_is_refused(client, court, world, engine, path, raw):
    with unchanged(engine):
        response = client.post(
            _url(path, world),
            data=raw,
            content_type="application/json",
            headers=court.headers("admin"),
        )
    assert_refused(response, (400, 409, 422))


AMOUNTS = [
    "1.00\n",
    "\n1.00",
    " 1.00",
    "1.00 ",
    "²",
    "１.00",
    "١.٠٠",
    "1_000.00",
    "+1.00",
    "-1.00",
    "1e3",
    "0x10",
    "1.001",
    "",
    "NaN",
    "Infinity",
    HUGE,
    "1.00\x00",
    "1,000.00",
]


@pytest.mark.parametrize("amount", AMOUNTS, ids=[repr(a)[:20] for a in AMOUNTS])
def test_an_amount_that_is_not_plain_digits_is_refused(client, court, world, engine, amount):
    body = {"amount": amount, "reason": "执行异议", "document_reference": "（2026）执异1号"}
    with unchanged(engine):
        response = client.post(
            f"/api/v1/cases/{world['case_id']}/holds",
            json=body,
            headers=court.headers("enforcement"),
        )
    assert_refused(response, 422)


QUERY_STRINGS = {
    "invalid UTF-8": "case_number=%FF%FE",
    "an encoded surrogate": "case_number=%ED%A0%80",
    "a NUL": "case_number=a%00b",
    "a NUL in the name": "case%00_number=x",
    "superscript limit": "case_number=x&limit=%C2%B2",
    "huge limit": f"case_number=x&limit={HUGE}",
}


@pytest.mark.parametrize("query", QUERY_STRINGS.values(), ids=QUERY_STRINGS.keys())
@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/transactions", "/api/v1/alerts"])
def test_a_hostile_query_string_is_refused_or_answered(client, court, engine, path, query):
    with unchanged(engine):
        response = client.get(f"{path}?{query}", headers=court.headers("admin"))
    assert response.status_code < 500, response.get_json()
    if response.status_code >= 400:
        assert_refused(response, (400, 422))


ID_QUERIES = {"beyond 64 bits": BEYOND_64_BITS, "huge": HUGE, "superscript": "²", "negative": "-1"}


@pytest.mark.parametrize("value", ID_QUERIES.values(), ids=ID_QUERIES.keys())
@pytest.mark.parametrize(
    "path", ["/api/v1/transactions", "/api/v1/disbursements", "/api/v1/alerts"]
)
def test_a_case_id_in_a_query_beyond_any_id_is_refused(client, court, engine, path, value):
    with unchanged(engine):
        response = client.get(path, query_string={"case_id": value}, headers=court.headers("admin"))
    assert_refused(response, 422)


PAGE_DAYS = ["0001-01-01", "9999-12-31", "9999-12-32", "²", "\ufffd"]


@pytest.fixture(scope="module")
def staff_client(app, uow, admin, court):
    from reconcile.services import users
    from tests.integration.staff_pages import PASSWORD, sign_in

    users.create_user(
        uow(), admin, username="hostile", password=PASSWORD, role="finance", courts=[court.code]
    )
    client = app.test_client()
    assert sign_in(client, "hostile").status_code in (302, 303)
    return client


@pytest.mark.parametrize("day", PAGE_DAYS)
def test_the_reconciliation_page_answers_a_day_no_calendar_report_holds(
    staff_client, court, engine, day
):
    with unchanged(engine):
        response = staff_client.get(
            "/reports/reconciliation", query_string={"account": court.account, "date": day}
        )
    assert response.status_code == 200, response.status_code
