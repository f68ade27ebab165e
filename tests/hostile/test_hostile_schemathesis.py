"""Schemathesis with hostile strings: every operation of the live document, its generated
requests with each string (body and query) replaced by a hostile one, answers no 5xx.

Schemathesis generates the shape (which fields, which types); hypothesis then swaps every
string for one of: NULs, lone surrogates, other control characters, digits that are not
ASCII ("²", "١"), numbers beyond 64 bits or 4,300 digits, texts of 100,000 characters,
dates no calendar holds. Quick: 10 examples an operation, the same ones every run.
"""

from __future__ import annotations

import contextlib
import json
import re

import hypothesis.strategies as st
import schemathesis
from hypothesis import HealthCheck, given, note, settings

from tests.integration.conftest import ROLES

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\ud800",
            "x\udfff",
            "²",
            "١٢٣",
            "1.00\n",
            str(2**64),
            "9" * 5000,
            "-" + "9" * 30,
            "0001-01-01",
            "9999-12-31",
            "长" * 100_000,
            "\r\n\x1b[31m",
            "%00",
            "../../etc/passwd",
            "csv:NOSUCH",
        ]
    ),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=5),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3),
)


def _hostile_strings(value, draw):
    if isinstance(value, str):
        return draw(HOSTILE)
    if isinstance(value, dict):
        return {k: _hostile_strings(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile_strings(v, draw) for v in value]
    return value


def test_hostile_strings_are_never_a_server_error(app, client, court, world):
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 40
    errors, seen = [], []

    for operation in operations:
        if "multipart/form-data" in str(operation.definition.raw.get("requestBody", {})):
            continue  # uploads: tests/hostile/test_hostile_files.py
        with contextlib.suppress(AssertionError):  # collected in `errors`: run every one
            _check(operation, client, court, world, errors, seen)
    assert errors == []
    assert len(seen) >= 10 * len(operations) // 2  # the requests were sent
    assert sum(400 <= status < 500 and status != 404 for status in seen) > len(seen) // 4


def _check(operation, client, court, world, errors: list[str], seen: list[int]) -> None:
    @settings(
        max_examples=10,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(), role=st.sampled_from(ROLES), data=st.data())
    def no_server_error(case, role, data):
        note(operation.label)
        ids = {k: world.get(k, v) for k, v in (case.path_parameters or {}).items()}
        path = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), operation.path)
        draw = data.draw
        query = _hostile_strings(dict(case.query) if isinstance(case.query, dict) else {}, draw)
        # a surrogate cannot travel in a URL: percent-encode its UTF-8-ish bytes instead
        query = {
            k: (v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v)
            for k, v in query.items()
        }
        kwargs = {"query_string": query, "headers": court.headers(role)}
        if isinstance(case.body, dict | list):
            body = _hostile_strings(case.body, draw)
            kwargs["data"] = json.dumps(body)  # ensure_ascii: a surrogate is \\udXXX
            kwargs["content_type"] = "application/json"
        response = client.open(
            path,
            method=operation.method.upper(),
            **kwargs,
        )
        seen.append(response.status_code)
        if response.status_code >= 500:
            errors.append(f"{operation.label}: {response.status_code} {kwargs}"[:500])
        assert response.status_code < 500

    no_server_error()
