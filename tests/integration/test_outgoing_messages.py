"""What the service sends out is what its document's `webhooks` say, and verifies as told.

The messages are the real ones: a small world is made through the API (an import with a
matched credit and an orphan, a hold placed and released, a payment requested, approved
and marked paid), then one delivery pass sends everything it queued to a capturing
`http_post`. Every body must match its schema in the document, every header its
documented parameter, and the reference receiver must answer each documented
verification step as documented.
"""

from __future__ import annotations

import hmac
import io
import json
import re
import time
from datetime import datetime

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api.desk_receiver import DeskReceiver
from api.outgoing import ACCEPTED, VERIFICATION
from reconcile import webhooks
from reconcile.case_events import CaseEvent
from reconcile.services import delivery
from reconcile.settings import load_settings
from tests.integration import payments
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement

people = payments.people

DESK_URL = "http://desk.invalid/hook"
EVENTS_URL = "http://zxxt.invalid/events"
DESK_SECRET = "desk-secret"
EVENTS_SECRET = "events-secret"
WEBHOOKS = {"alert": "deskAlert", "case_event": "caseEvent"}


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def sent(client, court, engine, database_url, register_case, people) -> list[dict]:
    """Every request one delivery pass makes after a day of work, as captured."""
    finance, enforcement = court.headers("finance"), court.headers("enforcement")
    case = register_case()
    statement = csv_statement(
        [
            Row(
                "2026-11-02",
                "60000.00",
                "张伟",
                "6222020200112233445",
                "",
                case["sub_account_number"],
                "M1",
            ),
            Row("2026-11-02", "50.00", "丁", "6222000000000004", "货款", "", "O1"),
        ]
    )
    imported = client.post(
        "/api/v1/statements",
        data={"file": (io.BytesIO(statement), "s.csv"), "account": court.account},
        content_type="multipart/form-data",
        headers=finance,
    )
    assert imported.status_code == 201, imported.get_json()
    assert (imported.get_json()["credits_matched"], imported.get_json()["orphans"]) == (1, 1)
    hold = client.post(
        f"/api/v1/cases/{case['id']}/holds",
        json={"amount": "100.00", "reason": "执行异议", "document_reference": "（2026）执异1号"},
        headers=enforcement,
    ).get_json()
    released = client.post(f"/api/v1/holds/{hold['id']}/release", json={}, headers=enforcement)
    assert released.status_code == 200, released.get_json()
    payment = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "200.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=enforcement,
    ).get_json()
    approved = client.post(
        f"/api/v1/disbursements/{payment['id']}/approve", json={}, headers=court.headers("approver")
    )
    assert approved.get_json()["status"] == "approved", approved.get_json()
    paid = client.post(
        f"/api/v1/disbursements/{payment['id']}/mark-paid",
        json={"bank_reference": "ICBC1"},
        headers=finance,
    )
    assert paid.status_code == 200, paid.get_json()

    settings = load_settings(
        environ={},
        overrides={
            "database": {"url": database_url},
            "desk": {"webhook_url": DESK_URL, "webhook_secret": DESK_SECRET},
            "events": {"subscribers": [{"court": court.code, "url": EVENTS_URL}]},
        },
    )
    settings["events"]["webhook_secret"] = EVENTS_SECRET
    captured = []

    def capture(url: str, body: bytes, headers: dict, timeout: float) -> int:
        captured.append({"url": url, "body": body, "headers": headers})
        return 200

    report = delivery.deliver_pending(engine, settings, http_post=capture, limit=500)
    assert report.delivered == len(captured)
    return captured


def _validator(document: dict, schema: dict) -> Draft202012Validator:
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:openapi", resource)
    return Draft202012Validator(
        {"$ref": "urn:openapi#" + schema["$ref"].removeprefix("#")}, registry=registry
    )


def _errors(validator: Draft202012Validator, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_every_message_sent_matches_its_schema_in_the_document(document, sent):
    topics = {r["headers"][webhooks.TOPIC_HEADER] for r in sent}
    assert topics == {"alert", "case_event"}
    events = {json.loads(r["body"])["event"] for r in sent if r["url"] == EVENTS_URL}
    made = {"money_received", "hold_placed", "hold_released", "payment_approved", "payment_paid"}
    assert events == made
    for request in sent:
        topic = request["headers"][webhooks.TOPIC_HEADER]
        operation = document["webhooks"][WEBHOOKS[topic]]["post"]
        content = operation["requestBody"]["content"]
        assert request["headers"]["Content-Type"].split(";")[0] in content
        validator = _validator(document, content["application/json"]["schema"])
        body = json.loads(request["body"])
        assert _errors(validator, body) == [], (topic, body)
        datetime.fromisoformat(body.get("raised_at") or body["occurred_at"])


def test_every_case_event_has_its_facts_documented(document):
    schemas = document["components"]["schemas"]
    mapping = schemas["CaseEventMessage"]["discriminator"]["mapping"]
    assert set(mapping) == set(CaseEvent)
    for event, ref in mapping.items():
        facts = schemas[ref.rsplit("/", 1)[1]]["properties"]["facts"]
        assert "$ref" in facts, f"describe the facts of {event} in api/outgoing.py FACTS"


def test_every_documented_property_is_sent_and_nothing_else(document, sent):
    schemas = document["components"]["schemas"]
    for request in sent:
        topic = request["headers"][webhooks.TOPIC_HEADER]
        body = json.loads(request["body"])
        if topic == "alert":
            schema = schemas["AlertMessage"]
        else:
            mapping = schemas["CaseEventMessage"]["discriminator"]["mapping"]
            schema = schemas[mapping[body["event"]].rsplit("/", 1)[1]]
            facts = schemas[schema["properties"]["facts"]["$ref"].rsplit("/", 1)[1]]
            assert set(body["facts"]) == set(facts["properties"]) == set(facts["required"])
        assert set(body) == set(schema["properties"]) == set(schema["required"])


def test_the_documented_headers_are_sent_each_as_its_parameter_says(document, sent):
    for request in sent:
        topic = request["headers"][webhooks.TOPIC_HEADER]
        parameters = document["webhooks"][WEBHOOKS[topic]]["post"]["parameters"]
        documented = {p["name"] for p in parameters if p["in"] == "header"}
        assert documented == set(request["headers"]) - {"Content-Type"}
        for parameter in parameters:
            value = request["headers"][parameter["name"]]
            schema = parameter["schema"]
            assert re.fullmatch(schema.get("pattern", ".*").strip("^$"), value), parameter
            assert value in schema.get("enum", [value])


def verify_as_documented(secret: str, headers: dict, body: bytes, now: float) -> bool:
    """The documented steps, written out as an integrator would: not reconcile.webhooks."""
    timestamp = headers["X-Reconcile-Timestamp"]
    if not timestamp.isdigit() or abs(now - int(timestamp)) > 300:
        return False
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    expected = "sha256=" + mac.hexdigest()
    return hmac.compare_digest(expected, headers["X-Reconcile-Signature"])


def test_each_message_verifies_by_the_documented_steps_with_its_targets_secret(sent):
    now = time.time()
    for request in sent:
        secret = DESK_SECRET if request["url"] == DESK_URL else EVENTS_SECRET
        other = EVENTS_SECRET if secret == DESK_SECRET else DESK_SECRET
        assert verify_as_documented(secret, request["headers"], request["body"], now)
        assert not verify_as_documented(other, request["headers"], request["body"], now)
        assert not verify_as_documented(secret, request["headers"], request["body"] + b" ", now)


def test_the_documented_steps_and_answers_are_the_reference_receivers(document, sent):
    for name in WEBHOOKS.values():
        responses = document["webhooks"][name]["post"]["responses"]
        statuses = {str(status) for _, status, _ in (*ACCEPTED, *VERIFICATION)}
        assert set(responses) == statuses
        description = document["webhooks"][name]["post"]["description"]
        assert all(f"`{reason}`" in description for reason, _, _ in VERIFICATION)

    request = next(r for r in sent if r["url"] == DESK_URL)
    headers, body = request["headers"], request["body"]
    timestamp = int(headers[webhooks.TIMESTAMP_HEADER])
    receiver = DeskReceiver([DESK_SECRET], clock=lambda: timestamp + 1)

    def signed(payload: bytes, at: int = timestamp) -> dict:
        return webhooks.signed_headers(DESK_SECRET, payload, topic="alert", timestamp=at)

    failing = {
        "missing_timestamp": ({**headers, webhooks.TIMESTAMP_HEADER: "soon"}, body),
        "stale_timestamp": (signed(body, timestamp - 301), body),
        "bad_signature": (headers, body.replace(b"}", b" }", 1)),
        "bad_topic_signature": ({**headers, webhooks.TOPIC_HEADER: "case_event"}, body),
        "not_a_json_object_with_id": (signed(b'{"no":"id"}'), b'{"no":"id"}'),
    }
    answers = {
        reason: receiver.accept(h, b)
        for reason, (h, b) in failing.items()
        if reason != "not_a_json_object_with_id"
    }
    answers["accepted"] = receiver.accept(headers, body)
    answers["replay"] = receiver.accept(headers, body)
    retry = signed(body, timestamp + 1)  # the same message again, signed anew
    answers["duplicate"] = receiver.accept(retry, body)
    answers["not_a_json_object_with_id"] = receiver.accept(*failing["not_a_json_object_with_id"])
    documented = {reason: (status, reason) for reason, status, _ in (*ACCEPTED, *VERIFICATION)}
    assert answers == documented
    assert receiver.ids("alert") == {json.loads(body)["id"]}


def test_money_in_case_events_is_as_documented(sent):
    """Pins the amounts' units: a change of unit is a contract change (docs/api.md)."""
    bodies = [json.loads(r["body"]) for r in sent if r["url"] == EVENTS_URL]
    by_event = {b["event"]: b["facts"] for b in bodies}
    assert by_event["money_received"]["amount"] == "60000.00"
    assert by_event["hold_placed"]["amount"] == 100_00
    assert by_event["hold_released"]["released_now"] == 100_00
    assert by_event["payment_approved"]["amount"] == 200_00
    assert by_event["payment_paid"]["payee_account_number"].endswith(PAYEE[-4:])
    assert by_event["payment_paid"]["payee_account_number"] != PAYEE
