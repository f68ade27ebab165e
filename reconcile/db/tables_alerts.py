"""Tables of the alerts area; they share `metadata` with reconcile/db/tables.py.

`deliveries` is the outbox: a row is written in the same transaction as the alert or case
event it carries, and the deliverer works through it (at least once, signed, retried).
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from reconcile.alerts import AlertStatus
from reconcile.db.tables import Id, Timestamp, metadata
from reconcile.lifecycle import check_sql
from reconcile.webhooks import DeliveryStatus

alerts = Table(
    "alerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),  #: stable: the desk de-duplicates on it
    Column("kind", String(32), nullable=False),  #: reconcile.alerts.AlertKind
    Column("severity", String(8), nullable=False),  #: info | warning | critical
    Column("court", String(16), nullable=False),  #: court code
    #: the finding's stable key, e.g. transaction:123; unique per kind (raised once)
    Column("subject", String(200), nullable=False),
    Column("case_id", Id, ForeignKey("cases.id"), index=True),
    Column("transaction_id", Id, index=True),  #: a statement line, when one caused it
    Column("facts", JSON, nullable=False),  #: amounts as yuan strings; personal data masked
    Column("detail", Text),  #: one sentence for people
    Column("status", String(16), nullable=False),  #: open | acknowledged | resolved
    Column("raised_at", Timestamp, nullable=False),
    Column("acknowledged_at", Timestamp),
    Column("acknowledged_by", String(200)),
    Column("acknowledge_note", Text),
    Column("resolved_at", Timestamp),
    Column("resolved_by", String(200)),
    Column("resolve_note", Text),
    #: a note the service wrote, as {"template", "facts"} to say in the reader's language
    Column("acknowledge_note_said", JSON),
    Column("resolve_note_said", JSON),
    UniqueConstraint("kind", "subject"),
    CheckConstraint(check_sql("status", AlertStatus), name="status"),
    CheckConstraint("severity in ('info', 'warning', 'critical')", name="severity"),
)
Index("ix_alerts_court_status", alerts.c.court, alerts.c.status, alerts.c.id)
#: the alerts list, newest or oldest first, read as a range of one court's ids (no sort)
Index("ix_alerts_court_id", alerts.c.court, alerts.c.id)
#: one kind's alerts of a state, oldest first: 今日工作's deadlines, 预警 filtered by kind (0040)
Index("ix_alerts_court_kind_status", alerts.c.court, alerts.c.kind, alerts.c.status, alerts.c.id)
#: the alerts page, most severe first: one range of ids per severity (alert_store._by_severity)
Index(
    "ix_alerts_court_status_severity",
    alerts.c.court,
    alerts.c.status,
    alerts.c.severity,
    alerts.c.id,
)

#: Case events for the enforcement system's subscriber (art. 11); kept even with none.
case_events = Table(
    "case_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("court", String(16), nullable=False),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    Column("event", String(32), nullable=False),  #: reconcile.case_events.CaseEvent
    Column("facts", JSON, nullable=False),
    Column("occurred_at", Timestamp, nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    #: alert (to the desk) | case_event (to the enforcement system) | checkpoint (to the desk)
    Column("topic", String(16), nullable=False),
    Column("court", String(16), nullable=False),
    Column("alert_id", Id, ForeignKey("alerts.id"), unique=True),
    Column("case_event_id", Id, ForeignKey("case_events.id"), unique=True),
    Column("checkpoint_number", BigInteger, ForeignKey("audit_checkpoints.number"), unique=True),
    #: pending (until 2xx) | delivered | dead (given up) | discarded (no subscriber)
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    #: claimed in this order, lowest first (reconcile/db/outbox.py PRIORITY): 0 critical,
    #: 1 warning and case events, 2 info; set when queued and never changed
    Column("priority", SmallInteger, nullable=False, server_default="1"),
    Column("created_at", Timestamp, nullable=False),
    Column("next_attempt_at", Timestamp, nullable=False),
    #: a deliverer holds the row until then; after a crash the lease runs out and another
    #: deliverer takes it again
    Column("leased_until", Timestamp),
    Column("lease_token", String(32)),
    Column("first_attempt_at", Timestamp),
    Column("last_attempt_at", Timestamp),
    Column("delivered_at", Timestamp),
    Column("last_status", Integer),  #: HTTP status of the last attempt, if any
    Column("last_error", String(500)),
    CheckConstraint("topic in ('alert', 'case_event', 'checkpoint')", name="topic"),
    CheckConstraint(check_sql("status", DeliveryStatus), name="status"),
    CheckConstraint(
        "(topic = 'alert' and alert_id is not null and case_event_id is null"
        " and checkpoint_number is null)"
        " or (topic = 'case_event' and case_event_id is not null and alert_id is null"
        " and checkpoint_number is null)"
        " or (topic = 'checkpoint' and checkpoint_number is not null and alert_id is null"
        " and case_event_id is null)",
        name="one_subject",
    ),
)
#: the claim's order: one range scan per priority, however many are pending
Index(
    "ix_deliveries_pending_by_priority",
    deliveries.c.priority,
    deliveries.c.next_attempt_at,
    deliveries.c.id,
    sqlite_where=deliveries.c.status == "pending",
    postgresql_where=deliveries.c.status == "pending",
)
