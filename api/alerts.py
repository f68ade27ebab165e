"""Alerts: list, read, acknowledge, resolve; and the health of their webhook delivery.

Every role reads the alerts of its courts; desk, finance and admin acknowledge and resolve
them (a note is required to resolve). `GET /alerts/delivery-health` counts pending, retrying
and dead-lettered deliveries for monitoring: `status` is `ok` or `dead_letters`.
"""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Id, LocalDateTime
from api.idempotency import idempotent
from api.pagination import PageQuerySchema, decode_cursor, page, page_schema
from reconcile.alerts import AlertKind, AlertStatus, Severity
from reconcile.services import alerts

blp = Blueprint("alerts", __name__, url_prefix="/alerts", description="Alerts")


class AlertQuerySchema(PageQuerySchema):
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(AlertKind)))
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(AlertStatus)))
    case_id = Id(load_default=None)


class DeliverySchema(ma.Schema):
    status = ma.fields.String(
        allow_none=True, metadata={"description": "pending | delivered | dead"}
    )
    attempts = ma.fields.Integer(allow_none=True)
    delivered_at = LocalDateTime(allow_none=True)
    last_error = ma.fields.String(allow_none=True)


class AlertSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "stable: de-duplicate deliveries on it"})
    kind = ma.fields.String(metadata={"enum": list(AlertKind)})
    severity = ma.fields.String(metadata={"enum": list(Severity)})
    court = ma.fields.String()
    case_id = ma.fields.Integer(allow_none=True)
    transaction_id = ma.fields.Integer(allow_none=True)
    subject = ma.fields.String(metadata={"description": "the finding's stable key"})
    raised_at = LocalDateTime()
    detail = ma.fields.String(allow_none=True)
    facts = ma.fields.Dict(metadata={"description": "amounts in yuan; personal data masked"})
    status = ma.fields.String(metadata={"enum": list(AlertStatus)})
    acknowledged_at = LocalDateTime(allow_none=True)
    acknowledged_by = ma.fields.String(allow_none=True)
    acknowledge_note = ma.fields.String(allow_none=True)
    resolved_at = LocalDateTime(allow_none=True)
    resolved_by = ma.fields.String(allow_none=True)
    resolve_note = ma.fields.String(allow_none=True)
    delivery = ma.fields.Nested(DeliverySchema, metadata={"description": "to the desk"})


class AcknowledgeSchema(ma.Schema):
    note = ma.fields.String(load_default=None, validate=ma.validate.Length(max=2000))


class ResolveSchema(ma.Schema):
    note = ma.fields.String(required=True, validate=ma.validate.Length(1, 2000))


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
    items = alerts.list_alerts(
        services().uow(read_only=True),
        current_actor(),
        kind=query["kind"],
        status=query["status"],
        case_id=query["case_id"],
        after_id=decode_cursor(query["cursor"]),
        limit=query["limit"],
    )
    return page(items, query["limit"])


@blp.route("/<int:alert_id>")
@blp.response(200, AlertSchema)
def get_alert(alert_id):
    """Read an alert"""
    return alerts.get_alert(services().uow(read_only=True), current_actor(), alert_id)


@blp.route("/<int:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @idempotent
    @blp.arguments(AcknowledgeSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Take an open alert up (desk, finance, admin)"""
        return alerts.acknowledge(services().uow(), current_actor(), alert_id, data["note"])


@blp.route("/<int:alert_id>/resolve")
class Resolve(MethodView):
    @idempotent
    @blp.arguments(ResolveSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Close an alert with a note saying what was done (desk, finance, admin)"""
        return alerts.resolve(services().uow(), current_actor(), alert_id, data["note"])


@blp.route("/delivery-health")
@blp.response(200, DeliveryHealthSchema)
def delivery_health():
    """Count pending, retrying and dead-lettered webhook deliveries"""
    return alerts.delivery_health(services().uow(read_only=True), current_actor())
