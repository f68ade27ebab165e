"""Alerts: list, read, acknowledge, resolve; and the health of their webhook delivery.

Every role reads the alerts of its courts; desk, finance, approvers and admin acknowledge and
resolve them (a note is required to resolve; finance may not close the alerts about its own
operations). Each alert shows its owner and the time it is escalated at.
`GET /alerts/delivery-health` counts pending, retrying
and dead-lettered deliveries for monitoring: `status` is `ok` or `dead_letters`.
"""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.errors import problem_language
from api.fields import Day, Id, LocalDateTime
from api.idempotency import idempotent
from api.message_catalogue import say_alert, say_note
from api.pagination import PageQuerySchema, decode_cursor, page, page_schema
from reconcile.alerts import AlertKind, AlertStatus, Severity
from reconcile.services import alerts

blp = Blueprint("alerts", __name__, url_prefix="/alerts", description="Alerts")


class AlertQuerySchema(PageQuerySchema):
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(AlertKind)))
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(AlertStatus)))
    case_id = Id(load_default=None)
    severity = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(Severity)))
    court = ma.fields.String(
        load_default=None, metadata={"description": "one of your courts (another: no items)"}
    )
    raised_from = Day(load_default=None, metadata={"description": "court-local day, included"})
    raised_to = Day(load_default=None, metadata={"description": "court-local day, included"})


class DeliverySchema(ma.Schema):
    status = ma.fields.String(
        allow_none=True, metadata={"description": "pending | delivered | dead"}
    )
    attempts = ma.fields.Integer(allow_none=True)
    delivered_at = LocalDateTime(allow_none=True)
    last_error = ma.fields.String(allow_none=True)


class AlertText(ma.fields.String):
    """An alert's text in the language `Accept-Language` asks for (Chinese by default)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return say_alert(obj, problem_language())


class NoteText(ma.fields.String):
    """A note on an alert; one the service wrote, in the language asked for."""

    def _serialize(self, value, attr, obj, **kwargs):
        return say_note(obj, attr, problem_language())


class AlertSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "stable: de-duplicate deliveries on it"})
    kind = ma.fields.String(metadata={"enum": list(AlertKind)})
    severity = ma.fields.String(metadata={"enum": list(Severity)})
    court = ma.fields.String()
    case_id = ma.fields.Integer(allow_none=True)
    transaction_id = ma.fields.Integer(allow_none=True)
    subject = ma.fields.String(metadata={"description": "the finding's stable key"})
    raised_at = LocalDateTime()
    detail = AlertText(
        allow_none=True,
        metadata={"description": "what was found, in the language Accept-Language asks for"},
    )
    facts = ma.fields.Dict(metadata={"description": "amounts in yuan; personal data masked"})
    status = ma.fields.String(metadata={"enum": list(AlertStatus)})
    acknowledged_at = LocalDateTime(allow_none=True)
    acknowledged_by = ma.fields.String(allow_none=True)
    acknowledge_note = NoteText(allow_none=True)
    resolved_at = LocalDateTime(allow_none=True)
    resolved_by = ma.fields.String(allow_none=True)
    resolve_note = NoteText(allow_none=True)
    delivery = ma.fields.Nested(DeliverySchema, metadata={"description": "to the desk"})
    owner = ma.fields.String(
        metadata={"description": "the user who took it up, else the role owning its kind"}
    )
    due_at = LocalDateTime(
        allow_none=True,
        metadata={"description": "resolve by then or it is escalated; null: never escalates"},
    )
    overdue = ma.fields.Boolean(metadata={"description": "unresolved past `due_at`"})


class AcknowledgeSchema(ma.Schema):
    note = ma.fields.String(load_default=None, validate=ma.validate.Length(max=2000))


class ResolveSchema(ma.Schema):
    note = ma.fields.String(required=True, validate=ma.validate.Length(1, 2000))


class BulkSchema(ma.Schema):
    ids = ma.fields.List(
        Id(),
        required=True,
        validate=ma.validate.Length(min=1, max=alerts.MOST_AT_ONCE),
        metadata={"description": "the alerts to move: all of them, or none"},
    )


class BulkAcknowledgeSchema(BulkSchema, AcknowledgeSchema):
    pass


class BulkResolveSchema(BulkSchema, ResolveSchema):
    pass


class BulkMovedSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AlertSchema))
    count = ma.fields.Integer()


class DeliveryHealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "ok | dead_letters"})
    pending = ma.fields.Integer(metadata={"description": "not yet delivered, retrying included"})
    retrying = ma.fields.Integer(metadata={"description": "pending after a failed attempt"})
    delivered = ma.fields.Integer()
    dead = ma.fields.Integer(metadata={"description": "given up; needs `--requeue-dead`"})
    discarded = ma.fields.Integer(metadata={"description": "case events nobody subscribes to"})
    oldest_pending_at = LocalDateTime(allow_none=True)
    by_topic = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Dict(keys=ma.fields.String())
    )


AlertPageSchema = page_schema(AlertSchema, "AlertPage")


@blp.route("")
@blp.arguments(AlertQuerySchema, location="query")
@blp.response(200, AlertPageSchema)
def list_alerts(query):
    """List the alerts of your courts, oldest first"""
    settings = services().settings
    items = alerts.list_alerts(
        services().uow(read_only=True),
        current_actor(),
        kind=query["kind"],
        status=query["status"],
        case_id=query["case_id"],
        severity=query["severity"],
        court=query["court"],
        raised_from=query["raised_from"],
        raised_to=query["raised_to"],
        after_id=decode_cursor(query["cursor"]),
        limit=query["limit"],
    )
    return page([alerts.supervised(item, settings) for item in items], query["limit"])


@blp.route("/<int:alert_id>")
@blp.response(200, AlertSchema)
def get_alert(alert_id):
    """Read an alert"""
    found = alerts.get_alert(services().uow(read_only=True), current_actor(), alert_id)
    return alerts.supervised(found, services().settings)


@blp.route("/<int:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @idempotent
    @blp.arguments(AcknowledgeSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Take an open alert up (desk, finance, approver, admin)"""
        found = alerts.acknowledge(services().uow(), current_actor(), alert_id, data["note"])
        return alerts.supervised(found, services().settings)


@blp.route("/<int:alert_id>/resolve")
class Resolve(MethodView):
    @idempotent
    @blp.arguments(ResolveSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Close an alert with a note saying what was done (desk, finance, approver, admin)

        Finance may not close unauthorised_debit, unmatched_debit or balance_mismatch (403).
        """
        found = alerts.resolve(services().uow(), current_actor(), alert_id, data["note"])
        return alerts.supervised(found, services().settings)


@blp.route("/bulk-acknowledge", methods=["POST"])
@idempotent
@blp.arguments(BulkAcknowledgeSchema)
@blp.response(200, BulkMovedSchema)
def bulk_acknowledge(data):
    """Take several open alerts up with one note: all or nothing (desk, finance, approver,
    admin)

    The first alert refused answers 422 with its `alert_id` and `refusal` (the code a single
    acknowledge would answer); no alert is changed.
    """
    moved = alerts.acknowledge_many(services().uow(), current_actor(), data["ids"], data["note"])
    return _supervised_all(moved)


@blp.route("/bulk-resolve", methods=["POST"])
@idempotent
@blp.arguments(BulkResolveSchema)
@blp.response(200, BulkMovedSchema)
def bulk_resolve(data):
    """Close several alerts with one note: all or nothing (desk, finance, approver, admin)

    The first alert refused (not found, already resolved, or about finance's own operations
    for finance) answers 422 with its `alert_id` and `refusal`; no alert is changed.
    """
    moved = alerts.resolve_many(services().uow(), current_actor(), data["ids"], data["note"])
    return _supervised_all(moved)


def _supervised_all(moved: dict) -> dict:
    settings = services().settings
    return {**moved, "items": [alerts.supervised(a, settings) for a in moved["items"]]}


@blp.route("/delivery-health")
@blp.response(200, DeliveryHealthSchema)
def delivery_health():
    """Count pending, retrying and dead-lettered webhook deliveries"""
    return alerts.delivery_health(services().uow(read_only=True), current_actor())
