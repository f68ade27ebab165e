"""What the service sends out, in the document: OpenAPI 3.1 `webhooks`.

Two signed webhooks leave the service (reconcile/services/delivery.py sends them):

- `deskAlert`: each alert, to the complaint desk (`[desk] webhook_url`), its body the alert
  as `GET /alerts/{id}` shows it less `delivery`;
- `caseEvent`: each case event (reconcile/case_events.py), to the court's subscriber in the
  enforcement system (`[events] subscribers`).

Both carry the same signature headers (reconcile/webhooks.py) and are verified the same
way: `VERIFICATION` below, which the reference receiver (api/desk_receiver.py) follows and
tests/integration/test_outgoing_messages.py holds both to, together with the bodies the
deliverer really builds.
"""

from __future__ import annotations

import copy

import marshmallow as ma

from api.alerts import AlertSchema
from reconcile import webhooks
from reconcile.case_events import CaseEvent

#: (reason, HTTP status, what the receiver checks), in order: the first that fails decides.
#: The reference receiver answers each with `{"result": reason}`.
VERIFICATION: tuple[tuple[str, int, str], ...] = (
    (
        "missing_timestamp",
        401,
        f"`{webhooks.TIMESTAMP_HEADER}` is present and an integer (Unix seconds)",
    ),
    (
        "stale_timestamp",
        401,
        f"the timestamp is at most {webhooks.MAX_SKEW_SECONDS} s away from your clock, either way",
    ),
    (
        "bad_signature",
        401,
        f"`{webhooks.SIGNATURE_HEADER}` equals `sha256=` + the lowercase hex HMAC-SHA256, "
        "keyed with the shared secret (UTF-8), of the ASCII timestamp, a `.`, and the raw "
        "body bytes exactly as received (before any JSON parsing); compare in constant time, "
        "and accept any of your current secrets while rotating",
    ),
    (
        "bad_topic_signature",
        401,
        f"`{webhooks.TOPIC_SIGNATURE_HEADER}` is the same HMAC over the timestamp, a `.`, the "
        f"`{webhooks.TOPIC_HEADER}` value, a `.`, and the raw body: the topic is the sender's",
    ),
    (
        "replay",
        409,
        "the same signature was not accepted before within twice the allowed skew "
        "(a captured request replayed)",
    ),
    (
        "not_a_json_object_with_id",
        400,
        "the body is a JSON object with an `id`",
    ),
)

#: what the receiver answers when it keeps the message; anything but 2xx is retried
ACCEPTED = (
    ("accepted", 200, "stored"),
    (
        "duplicate",
        200,
        f"(`{webhooks.TOPIC_HEADER}`, `id`) arrived before: a retry of a message already "
        "kept; answer 2xx and keep it once",
    ),
)

SIGNATURE_PATTERN = r"^sha256=[0-9a-f]{64}$"


def verification_text() -> str:
    steps = "\n".join(
        f"{n}. {check} — else answer {status} (`{reason}`)."
        for n, (reason, status, check) in enumerate(VERIFICATION, 1)
    )
    return (
        "Signed with HMAC-SHA256. To verify, in order:\n\n"
        f"{steps}\n"
        f"{len(VERIFICATION) + 1}. De-duplicate on (`{webhooks.TOPIC_HEADER}`, `id`): delivery "
        "is at least once, so the same message may come again (a fresh timestamp and "
        "signature); answer 2xx to it.\n\n"
        "Any answer but 2xx, a timeout or an unreachable receiver is retried with "
        "exponential backoff until the dead-letter deadline ([delivery] "
        "dead_letter_after_hours), after which a `delivery_dead_letter` alert is raised."
    )


def _all_required(schema: type[ma.Schema], name: str, exclude: tuple[str, ...] = ()):
    """Return `schema` less `exclude`, every field required: a message always has them all."""
    fields = {}
    for key, field in schema._declared_fields.items():
        if key in exclude:
            continue
        field = copy.deepcopy(field)
        field.required = True
        fields[key] = field
    return ma.Schema.from_dict(fields, name=name)


#: the alert as the desk receives it: GET /alerts/{id} less `delivery` (delivery.alert_document)
#: the desk is sent the alert as raised: its delivery, owner and due time are the service's
AlertMessageSchema = _all_required(
    AlertSchema, "AlertMessage", exclude=("delivery", "owner", "due_at", "overdue")
)

_ID = {"type": "integer", "minimum": 1}
_YUAN = {"type": "string", "pattern": r"^\d{1,13}\.\d{2}$", "example": "1234.50"}
_FEN = {"type": "integer", "description": "fen (1/100 yuan)"}
_TEXT_OR_NULL = {"type": ["string", "null"]}

#: the `facts` of each case event, as reconcile/services (holds, disbursement_books) and
#: reconcile/db/alert_store.py (money_received) build them; account numbers masked
_HOLD_FACTS = {
    "hold_id": _ID,
    "amount": {**_FEN, "description": "the amount held, in fen"},
    "released": {**_FEN, "description": "released so far, in fen"},
    "held": {**_FEN, "description": "still held, in fen"},
    "reason": {"type": "string"},
    "document_reference": {"type": "string"},
    "status": {"type": "string", "enum": ["active", "released"]},
}
_PAYMENT_FACTS = {
    "disbursement_id": _ID,
    "kind": {
        "type": "string",
        "enum": ["payment", "fee", "respondent_refund", "escrow", "court_transfer"],
        "description": "payment (to an applicant), fee, respondent_refund, escrow (提存) or "
        "court_transfer",
    },
    "amount": {**_FEN, "description": "the payment, in fen"},
    "payee_account_number": {"type": "string", "description": "masked: the last four digits"},
    "status": {"type": "string"},
    "bank_reference": _TEXT_OR_NULL,
}
FACTS: dict[str, dict] = {
    "money_received": {
        "amount": {
            **_YUAN,
            "description": "the total placed on the case by one import, or by staff "
            "(assignment, one part of a split), yuan",
        },
        "payments": {"type": "integer", "minimum": 1, "description": "statement lines"},
    },
    "hold_placed": _HOLD_FACTS,
    "hold_released": {
        **_HOLD_FACTS,
        "released_now": {**_FEN, "description": "released by this release, in fen"},
    },
    "payment_approved": _PAYMENT_FACTS,
    "payment_paid": _PAYMENT_FACTS,
    "money_reversed": {
        "amount": {**_YUAN, "description": "the credit taken back off the case, yuan"},
        "statement_id": _ID,
        "statement_void_id": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "the void that took it back; null when staff took it off by hand",
        },
        "reason": {"type": "string"},
    },
    # 退汇: reconcile/services/returned_payments.py
    "payment_returned": {
        "disbursement_id": _ID,
        "amount": {**_YUAN, "description": "the returned payment, yuan"},
        "reference": {"type": "string", "description": "the payment's reference, AK + 10 digits"},
        "payee_account_number": {"type": "string", "description": "masked: the last four digits"},
        "paid_on": {"type": ["string", "null"], "format": "date"},
        "returned_on": {
            "type": "string",
            "format": "date",
            "description": "the return's booking day",
        },
        "transaction_id": {**_ID, "description": "the statement credit that returned it"},
        "by": {
            "type": ["string", "null"],
            "enum": ["reference", "reversal", "payee_account", None],
            "description": "how the credit was recognised as the return",
        },
    },
}

# 分配方案: reconcile/services/distribution_plans.py; every plan event has the same facts
_PLAN_EVENTS = (
    "distribution_plan_issued",
    "distribution_plan_objected",
    "distribution_plan_withdrawn",
    "distribution_plan_executed",
)
_PLAN_FACTS = {
    "plan_id": _ID,
    "status": {"type": "string", "enum": ["issued", "objected", "executed", "withdrawn"]},
    "method": {"type": "string", "enum": ["pro_rata", "order"]},
    "document_reference": {"type": "string"},
    "objection_ends_on": {"type": "string", "format": "date"},
    "shares": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "party_id": _ID,
                "share": {**_FEN, "description": "the applicant's share, in fen"},
                "disbursement_id": {
                    "type": ["integer", "null"],
                    "description": "its payment request, once executed",
                },
            },
        },
    },
}
FACTS.update({event: _PLAN_FACTS for event in _PLAN_EVENTS})


#: the component of each event's facts (payments share one); an event missing here and in
#: FACTS is documented with facts of any shape, and test_outgoing_messages.py fails
FACTS_SCHEMA = {
    "money_received": "MoneyReceivedFacts",
    "hold_placed": "HoldFacts",
    "hold_released": "HoldReleasedFacts",
    "payment_approved": "PaymentFacts",
    "payment_paid": "PaymentFacts",
    "money_reversed": "MoneyReversedFacts",
    "payment_returned": "PaymentReturnedFacts",
    **{event: "DistributionPlanFacts" for event in _PLAN_EVENTS},
}


def _event_component(event: str) -> str:
    return "CaseEvent" + "".join(part.capitalize() for part in event.split("_"))


def case_event_schemas() -> dict[str, dict]:
    """Return the components of a case event's body (delivery.event_document), by name:
    `CaseEventMessage`, one of an object per event, told apart by `event`."""
    schemas: dict[str, dict] = {}
    events = [str(e) for e in CaseEvent]
    for event, name in FACTS_SCHEMA.items():
        if event not in events or event not in FACTS:
            continue
        schemas[name] = {
            "type": "object",
            "required": sorted(FACTS[event]),
            "additionalProperties": False,
            "properties": FACTS[event],
        }
    for event in events:
        facts = FACTS_SCHEMA.get(event)
        schemas[_event_component(event)] = {
            "type": "object",
            "required": ["id", "event", "court", "case_id", "occurred_at", "facts"],
            "additionalProperties": False,
            "properties": {
                "id": {**_ID, "description": "stable per topic: de-duplicate on it"},
                "event": {"type": "string", "enum": [str(event)]},
                "court": {"type": "string"},
                "case_id": _ID,
                "occurred_at": {"type": "string", "format": "date-time"},
                "facts": {"$ref": f"#/components/schemas/{facts}"}
                if facts in schemas
                else {"type": "object"},
            },
        }
    refs = {e: f"#/components/schemas/{_event_component(e)}" for e in events}
    schemas["CaseEventMessage"] = {
        "description": "A case event for the enforcement system (art. 11); `facts` by `event`.",
        "oneOf": [{"$ref": ref} for ref in refs.values()],
        "discriminator": {"propertyName": "event", "mapping": refs},
    }
    return schemas


def _headers(topic: str) -> list[dict]:
    return [
        {
            "in": "header",
            "name": webhooks.TIMESTAMP_HEADER,
            "required": True,
            "description": "when it was signed, Unix seconds (a retry is signed anew)",
            "schema": {"type": "string", "pattern": r"^\d+$"},
        },
        {
            "in": "header",
            "name": webhooks.SIGNATURE_HEADER,
            "required": True,
            "description": "`sha256=<hex HMAC-SHA256 of '<timestamp>.<raw body>'>`",
            "schema": {"type": "string", "pattern": SIGNATURE_PATTERN},
        },
        {
            "in": "header",
            "name": webhooks.TOPIC_HEADER,
            "required": True,
            "description": "what the body is; ids are unique per topic",
            "schema": {"type": "string", "enum": [topic]},
        },
        {
            "in": "header",
            "name": webhooks.TOPIC_SIGNATURE_HEADER,
            "required": True,
            "description": "`sha256=<hex HMAC-SHA256 of '<timestamp>.<topic>.<raw body>'>`: "
            "the topic is signed too, so a message cannot be passed off as another topic's",
            "schema": {"type": "string", "pattern": SIGNATURE_PATTERN},
        },
    ]


def _responses() -> dict:
    answers = {}
    for reason, status, check in (*ACCEPTED, *VERIFICATION):
        answers.setdefault(str(status), []).append(f"`{reason}`: {check}")
    return {
        status: {
            "description": ("Kept; " if status.startswith("2") else "Refused (retried); ")
            + "; ".join(reasons),
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"result": {"type": "string"}},
                    }
                }
            },
        }
        for status, reasons in answers.items()
    }


def _webhook(topic: str, schema_ref: str, summary: str, description: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "description": f"{description}\n\n{verification_text()}",
            "tags": ["Webhooks"],
            "security": [],
            "parameters": _headers(topic),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}
                },
            },
            "responses": _responses(),
        }
    }


_COVERAGE = {
    "type": "object",
    "required": ["after", "through", "rows", "total", "digest"],
    "additionalProperties": False,
    "properties": {
        "after": {"type": "integer", "description": "rows with ids after this one…"},
        "through": {"type": "integer", "description": "…up to this one are covered"},
        "rows": {"type": "integer", "description": "how many rows those are"},
        "total": {"type": "integer", "description": "rows with ids up to `through`"},
        "digest": {"type": "string", "description": "HMAC-SHA-256 of their contents"},
    },
}
CHECKPOINT_SCHEMA = {
    "type": "object",
    "description": "A signed checkpoint of the audit chain and the money tables "
    "(docs/security.md). Keep every one: `reconcile audit verify --checkpoints FILE` "
    "checks the books against them.",
    "required": [
        "id", "number", "taken_at", "audit_seq", "audit_hash", "keyed_from",
        "ledger_entries", "statement_lines", "previous", "signature",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {**_ID, "description": "the same as number: de-duplicate on it"},
        "number": _ID,
        "taken_at": {"type": "string", "format": "date-time"},
        "audit_seq": {"type": "integer", "description": "the chain's head record"},
        "audit_hash": {"type": "string"},
        "keyed_from": {"type": "integer"},
        "ledger_entries": _COVERAGE,
        "statement_lines": _COVERAGE,
        "previous": {"type": "string", "description": "the signature of number - 1"},
        "signature": {"type": "string", "description": "HMAC-SHA-256 under the audit key"},
    },
}  # fmt: skip


WEBHOOKS_TAG = {
    "name": "Webhooks",
    "description": "What the service POSTs to the complaint desk and the enforcement system",
}


def document(spec) -> None:
    """Add the outgoing messages to `spec` (an OpenAPI 3.1 apispec.APISpec)."""
    if spec.openapi_version.major < 3 or spec.openapi_version.minor < 1:
        raise ValueError("webhooks need OpenAPI 3.1")
    spec.components.schema("AlertMessage", schema=AlertMessageSchema)
    for name, schema in case_event_schemas().items():
        spec.components.schema(name, schema)
    spec.components.schema("AuditCheckpoint", CHECKPOINT_SCHEMA)
    spec.tag(WEBHOOKS_TAG)
    spec.options["webhooks"] = {
        "deskAlert": _webhook(
            "alert",
            "AlertMessage",
            "An alert, to the complaint desk",
            "POSTed to `[desk] webhook_url` (`RECONCILE_DESK_WEBHOOK_URL`), signed with "
            "`[desk] webhook_secret` (`RECONCILE_DESK_WEBHOOK_SECRET`), once per alert "
            "when it is raised: the alert as `GET /alerts/{alert_id}` shows it, less "
            "`delivery`. Criticals go first.",
        ),
        "caseEvent": _webhook(
            "case_event",
            "CaseEventMessage",
            "A case event, to the enforcement system",
            "POSTed to the URL of the case's court in `[events] subscribers`, signed with "
            "that subscription's `secret` (else `[events] webhook_secret`): money received "
            "by an import, a hold placed or released, a payment approved or paid. A court "
            "without a subscriber gets none (and no history later).",
        ),
        "auditCheckpoint": _webhook(
            "checkpoint",
            "AuditCheckpoint",
            "An audit checkpoint, to the complaint desk",
            "POSTed to the desk like an alert, every `[audit] checkpoint_minutes`: the "
            "audit chain's head and a keyed digest of the ledger entries and statement "
            "lines added since the last one, signed with the audit key. The desk keeps "
            "them so that a rewrite of the books can be found later by someone who does "
            "not control the database.",
        ),
    }
