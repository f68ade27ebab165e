"""Line rules (流水识别规则): finance's rules for lines that are not case money.

A rule's conditions — `direction`, `counterparty_name` (contained), `counterparty_account`
(exact), `remark_text` (contained), `remark_pattern` (a regular expression, checked when
saved: 422 `unsafe_pattern`), `amount_min`/`amount_max` — all must hold; its `outcome` is a
non-case ledger (`interest` 利息, `bank_fee` 手续费, `court_transfer` 本院划转) or `case`
with `case_id` (credits only). The import applies the active rules to a credit no automatic
rule placed and to a debit that settles no payment: such a line gets `status: non_case`
(or is placed on the rule's case), `match_rule: line_rule`, and the rule's id in
`match_evidence`. `GET /line-rules/{id}/matches?from&to` tries a rule on past lines.
"""

from __future__ import annotations

import base64

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Amount, Day, LocalDateTime
from api.idempotency import idempotent
from api.pagination import MAX_LIMIT, decode_cursor
from reconcile.line_rules import DIRECTIONS, MAX_NAME, MAX_PATTERN, MAX_TEXT, LineOutcome
from reconcile.services import line_rules

blp = Blueprint(
    "line_rules",
    __name__,
    url_prefix="",
    description="Rules for statement lines that are not case money (interest, fees, "
    "the court's own transfers)",
)

OUTCOMES = [o.value for o in LineOutcome]


class _RuleFields(ma.Schema):
    direction = ma.fields.String(
        allow_none=True, validate=ma.validate.OneOf(DIRECTIONS),
        metadata={"description": "credit | debit | null (either)"},
    )  # fmt: skip
    counterparty_name = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=MAX_TEXT),
        metadata={"description": "the counterparty's name contains this text"},
    )  # fmt: skip
    counterparty_account = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=64),
        metadata={"description": "the counterparty's account, exactly"},
    )  # fmt: skip
    remark_text = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=MAX_TEXT),
        metadata={"description": "the remark contains this text"},
    )  # fmt: skip
    remark_pattern = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=MAX_PATTERN),
        metadata={"description": "a regular expression the remark matches (searched); "
                  "no back-references, no repetition inside a repeated group"},
    )  # fmt: skip
    amount_min = Amount(allow_none=True)
    amount_max = Amount(allow_none=True)
    case_id = ma.fields.Integer(allow_none=True, strict=True)
    active = ma.fields.Boolean()


class RuleCreateSchema(_RuleFields):
    court = ma.fields.String(required=True, validate=ma.validate.Length(1, 16))
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, MAX_NAME))
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(OUTCOMES))


class RulePatchSchema(_RuleFields):
    name = ma.fields.String(validate=ma.validate.Length(1, MAX_NAME))
    outcome = ma.fields.String(validate=ma.validate.OneOf(OUTCOMES))


class RuleSchema(ma.Schema):
    id = ma.fields.Integer()
    court = ma.fields.String()
    name = ma.fields.String()
    direction = ma.fields.String(allow_none=True)
    counterparty_name = ma.fields.String(allow_none=True)
    counterparty_account = ma.fields.String(allow_none=True)
    remark_text = ma.fields.String(allow_none=True)
    remark_pattern = ma.fields.String(allow_none=True)
    amount_min = Amount(allow_none=True)
    amount_max = Amount(allow_none=True)
    outcome = ma.fields.String(metadata={"description": " | ".join(OUTCOMES)})
    case_id = ma.fields.Integer(allow_none=True)
    case_number = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    created_by = ma.fields.String()
    created_at = LocalDateTime()
    updated_by = ma.fields.String(allow_none=True)
    updated_at = LocalDateTime(allow_none=True)


class RuleListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RuleSchema))


class MatchesQuerySchema(ma.Schema):
    from_ = Day(data_key="from", load_default=None)
    to = Day(load_default=None)
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_LIMIT))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))


class MatchedLineSchema(ma.Schema):
    id = ma.fields.Integer()
    statement_id = ma.fields.Integer()
    booked_on = ma.fields.Date()
    direction = ma.fields.String()
    amount = Amount()
    counterparty_name = ma.fields.String(allow_none=True)
    counterparty_account = ma.fields.String(allow_none=True)
    remark = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    case_id = ma.fields.Integer(allow_none=True)
    match_rule = ma.fields.String(allow_none=True)


class MatchesSchema(ma.Schema):
    rule = ma.fields.Nested(RuleSchema)
    from_ = ma.fields.Date(data_key="from")
    to = ma.fields.Date()
    items = ma.fields.List(ma.fields.Nested(MatchedLineSchema))
    next_cursor = ma.fields.String(
        allow_none=True,
        metadata={"description": "a page reads a bounded number of lines: it may hold fewer "
                  "than `limit` fits and still have a next page"},
    )  # fmt: skip


@blp.route("/line-rules", methods=["GET"])
@blp.response(200, RuleListSchema)
def list_rules():
    """List the line rules of the token's courts, in the order the import applies them"""
    return {"items": line_rules.list_rules(services().uow(read_only=True), current_actor())}


@blp.route("/line-rules", methods=["POST"])
@idempotent
@blp.arguments(RuleCreateSchema)
@blp.response(201, RuleSchema)
def create(data):
    """Save a court's line rule (finance)"""
    court = data.pop("court")
    return line_rules.create_rule(services().uow(), current_actor(), court=court, values=data)


@blp.route("/line-rules/<int:rule_id>", methods=["GET"])
@blp.response(200, RuleSchema)
def get(rule_id):
    """Read a line rule"""
    return line_rules.get_rule(services().uow(read_only=True), current_actor(), rule_id)


@blp.route("/line-rules/<int:rule_id>", methods=["PATCH"])
@blp.arguments(RulePatchSchema)
@blp.response(200, RuleSchema)
def patch(data, rule_id):
    """Change a line rule, or switch it off (`active: false`) or on (finance; audited)"""
    return line_rules.update_rule(services().uow(), current_actor(), rule_id, data)


@blp.route("/line-rules/<int:rule_id>/matches", methods=["GET"])
@blp.arguments(MatchesQuerySchema, location="query")
@blp.response(200, MatchesSchema)
def matches(query, rule_id):
    """The past lines the rule would have matched, booked from `from` to `to` (at most a
    year; default the last 90 days), by id"""
    after = decode_cursor(query["cursor"]) or None
    found = line_rules.would_match(
        services().uow(read_only=True),
        current_actor(),
        rule_id,
        since=query["from_"],
        until=query["to"],
        after_id=after,
        limit=query["limit"],
    )
    last = found.pop("next_after")
    cursor = None if last is None else base64.urlsafe_b64encode(str(last).encode()).decode()
    return {**found, "from_": found.pop("from"), "next_cursor": cursor}
