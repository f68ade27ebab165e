"""Every problem an operation answers is in the document, with its `code`.

The document's 4xx responses come from api/problems.py (the shape of each operation and
one table). The sweep below drives every operation of the live document the ways a client
gets refused — no token, each role with a valid request, an id that names nothing, an
invalid parameter or body, malformed JSON, an Idempotency-Key too long or reused — and
fails on any 4xx answer whose status the operation does not document, or whose `code`
that status does not list. A new operation is swept as soon as it is in the document.
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import date
from pathlib import Path

import pytest

from api.errors import HTTP_CODES, PROBLEM_MIMETYPE, STATUS_OF
from api.problems import MEANINGS, PROBLEMS, shape_problems
from tests.integration import payments
from tests.integration.conftest import ROLES, case_body
from tests.integration.statement_files import Row, csv_statement
from tests.integration.test_conformance import body_for, build_world

people = payments.people
PREFIX = "/api/v1"
METHODS = ("get", "post", "patch", "put", "delete")
UNKNOWN_ID = 2**62  #: a valid id that names nothing


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def documented_codes(operation: dict) -> dict[str, list[str]]:
    """Return the codes each 4xx response of `operation` lists, by status."""
    found = {}
    for status, response in operation["responses"].items():
        if not status.startswith("4"):
            continue
        schema = response["content"][PROBLEM_MIMETYPE]["schema"]
        [problem, narrowed] = schema["allOf"]
        assert problem == {"$ref": "#/components/schemas/Problem"}
        found[status] = narrowed["properties"]["code"]["enum"]
    return found


def test_every_operation_documents_the_problems_of_its_shape(document):
    for method, path, operation in operations(document):
        listed = documented_codes(operation)
        for status, codes in shape_problems(method, path, operation).items():
            assert set(codes) <= set(listed.get(str(status), [])), (method, path, status)
        assert "401" in listed, (method, path)
        if "{" in path:
            assert "404" in listed, (method, path)


def test_every_documented_code_means_something_and_is_answered_with_its_status(document):
    answered = {**{code: status for status, code in HTTP_CODES.items()}, **STATUS_OF}
    answered["total_too_large"] = 422
    for _, _, operation in operations(document):
        for status, codes in documented_codes(operation).items():
            for code in codes:
                assert code in MEANINGS
                assert answered[code] == int(status), (code, status)


def test_the_table_names_only_operations_of_the_document(document):
    names = {f"{m.upper()} {p.removeprefix(PREFIX)}" for m, p, _ in operations(document)}
    assert set(PROBLEMS) - names == set()


# ---- the sweep ----


class Sweep:
    """Sends requests and notes every 4xx answer the document does not list."""

    def __init__(self, client, document: dict) -> None:
        self.client, self.document = client, document
        self.undocumented: list[str] = []
        self.seen: dict[tuple[str, str], set[int]] = {}

    def send(self, method: str, path: str, url: str, **kwargs):
        response = self.client.open(url, method=method.upper(), **kwargs)
        status = response.status_code
        self.seen.setdefault((method, path), set()).add(status)
        if 400 <= status < 500:
            operation = self.document["paths"][path][method]
            listed = documented_codes(operation)
            code = (response.get_json(silent=True) or {}).get("code")
            if str(status) not in listed:
                self.undocumented.append(f"{method.upper()} {path}: {status} {code}")
            elif code not in listed[str(status)]:
                self.undocumented.append(f"{method.upper()} {path}: {status} code {code!r}")
        return response


def _statement(court, n: int) -> bytes:
    return csv_statement(
        [Row("2026-11-05", f"{n}.00", "某人", "6222000000000009", "货款", "", f"S{n}")]
    )


def test_every_problem_answered_is_documented_with_its_code(
    app, client, court, engine, people, document
):
    world = build_world(client, court, engine, people("approver", "审批人"))
    case = client.get(
        f"/api/v1/cases/{world['case_id']}", headers=court.headers("admin")
    ).get_json()
    query_values = {
        "case_number": case["case_number"],
        "account_number": case["sub_account_number"],
        "account": court.account,
        "date": date.today().isoformat(),
        "court": court.code,
        "month": date.today().strftime("%Y-%m"),
    }
    sweep = Sweep(client, document)
    uploads = itertools.count(1)

    for method, path, operation in operations(document):
        # an id the small world has no resource for names nothing: the sweep still runs
        names = re.findall(r"\{(\w+)\}", path)
        ids = {name: str(world.get(name, UNKNOWN_ID)) for name in names}
        url = re.sub(r"\{(\w+)\}", lambda m, ids=ids: ids[m.group(1)], path)
        query = {}
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter.get("required"):
                assert parameter["name"] in query_values, f"add a value for {parameter['name']}"
                query[parameter["name"]] = query_values[parameter["name"]]
        content = operation.get("requestBody", {}).get("content", {})

        def request(
            role=None, *, body=None, params=query, raw=None, content=content, path=path, **headers
        ) -> dict:
            kwargs = {"query_string": params, "headers": dict(headers)}
            if role:
                kwargs["headers"].update(court.headers(role))
            if "multipart/form-data" in content:
                n = next(uploads)
                kwargs["data"] = (
                    body
                    if body is not None
                    else {
                        "file": (io.BytesIO(_statement(court, n)), f"s{n}.csv"),
                        "account": court.account,
                    }
                )
                kwargs["content_type"] = "multipart/form-data"
            elif raw is not None:
                kwargs["data"], kwargs["content_type"] = raw, "application/json"
            elif "application/json" in content:
                kwargs["json"] = body if body is not None else valid_body(path)
            return kwargs

        def valid_body(path: str):
            if path == "/api/v1/cases":
                return case_body(court.code)
            return body_for(path) or {}

        sweep.send(method, path, url, **request())  # no token
        for role in ROLES:
            sweep.send(method, path, url, **request(role))
        if ids:
            unknown = re.sub(r"\{(\w+)\}", str(UNKNOWN_ID), path)
            sweep.send(method, path, unknown, **request("admin"))
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        if names:
            sweep.send(method, path, url, **request("admin", params={**query, names[0]: "*!"}))
        if "application/json" in content:
            sweep.send(method, path, url, **request("admin", body=[]))
            sweep.send(method, path, url, **request("admin", raw=b"{not json"))
        if "multipart/form-data" in content:
            sweep.send(method, path, url, **request("admin", body={"account": court.account}))
        if method == "post":
            key = f"sweep-{method}-{path}"
            headers = {"Idempotency-Key": key}
            first = sweep.send(method, path, url, **request("admin", **headers))
            other = request("admin", params={**query, "other": "1"}, **headers)
            reused = sweep.send(method, path, url, **other)
            if first.status_code < 300:  # stored: another request with its key is refused
                assert (reused.status_code, reused.get_json()["code"]) == (
                    409,
                    "idempotency_key_reused",
                ), (method, path)
            too_long = {"Idempotency-Key": "k" * 201}
            assert sweep.send(method, path, url, **request("admin", **too_long)).status_code == 400

    assert sweep.undocumented == []
    for (method, path), statuses in sweep.seen.items():
        known = path == "/api/v1/cases" or body_for(path) is not None
        if not known and "requestBody" in document["paths"][path][method]:
            continue  # no valid body known here (BODIES): refused as 422 before the rest
        assert 401 in statuses, (method, path)  # the valid request without a token
        if "{" in path:
            assert 404 in statuses, (method, path)


def test_docs_api_md_explains_every_code_the_document_lists(document):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    codes = {
        c for _, _, op in operations(document) for cs in documented_codes(op).values() for c in cs
    }
    assert {c for c in codes if f"| `{c}` |" not in docs} == set()
