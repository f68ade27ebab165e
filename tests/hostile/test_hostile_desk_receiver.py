"""The reference desk receiver refuses, before reading a body, one whose length is
missing or too large and one whose timestamp is missing or stale."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest

from api.desk_receiver import MAX_BODY_BYTES, DeskReceiver
from reconcile import webhooks

SECRET = "hostile-secret"


def _post(receiver, headers: dict, body: bytes = b"", *, send_body: bool = True):
    address = urlsplit(receiver.url)
    conn = http.client.HTTPConnection(
        address.hostname, address.port, timeout=10
    )  # a guard against hanging
    try:
        conn.putrequest("POST", "/")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        if send_body:
            conn.send(body)
        response = conn.getresponse()
        return response.status, json.loads(response.read())["result"]
    finally:
        conn.close()


@pytest.fixture
def receiver():
    with DeskReceiver([SECRET]) as r:
        yield r


def _signed(body: bytes, timestamp: int | None = None) -> dict:
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = webhooks.signed_headers(SECRET, body, topic="alert", timestamp=stamp)
    return {**headers, "Content-Length": str(len(body))}


def test_a_body_declared_over_the_limit_is_refused_unread(receiver):
    headers = {**_signed(b"{}"), "Content-Length": str(MAX_BODY_BYTES + 1)}
    assert _post(receiver, headers, send_body=False) == (413, "body_too_large")


@pytest.mark.parametrize("length", [None, "-1", "abc", "9" * 5000])
def test_a_body_of_no_usable_length_is_refused_unread(receiver, length):
    headers = _signed(b"{}")
    del headers["Content-Length"]
    if length is not None:
        headers["Content-Length"] = length
    status, _ = _post(receiver, headers, send_body=False)
    assert status in (411, 413)


@pytest.mark.parametrize("stamp", [0, 2**70, -1])
def test_a_stale_or_absurd_timestamp_is_refused_before_the_body(receiver, stamp):
    status, reason = _post(receiver, _signed(b"{}", stamp), send_body=False)
    assert (status, reason) == (401, "stale_timestamp")


def test_a_signed_fresh_delivery_is_accepted(receiver):
    body = json.dumps({"id": 1, "kind": "orphan_credit"}).encode()
    assert _post(receiver, _signed(body), body) == (200, "accepted")
