"""Tables of distribution plans (分配方案): the plan, each applicant's share, objections.

A plan holds its money through one hold (`hold_id`) until its objection period ends; at
most one plan per case is open (issued or objected) at a time, by a partial unique index,
so two enforcement staff issuing at once cannot hold the money twice.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from reconcile.db.tables import Fen, Id, Timestamp, metadata
from reconcile.distribution import OPEN_STATUSES, Method, PlanStatus
from reconcile.lifecycle import check_sql


def _id() -> Column:
    return Column("id", Id, primary_key=True, autoincrement=True)


distribution_plans = Table(
    "distribution_plans",
    metadata,
    _id(),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    Column("method", String(12), nullable=False),  #: reconcile.distribution.Method
    Column("status", String(12), nullable=False),  #: reconcile.distribution.PlanStatus
    Column("distributable", Fen, nullable=False),  #: what the case could share when issued
    Column("surplus", Fen, nullable=False),  #: what the claims did not take
    Column("hold_id", Id, ForeignKey("holds.id")),  #: the hold on the shared money
    Column("document_reference", String(200), nullable=False),  #: the plan's court document
    Column("served_on", Date, nullable=False),  #: the objection period runs from the next day
    Column("objection_ends_on", Date, nullable=False, index=True),  #: last day to object
    Column("issued_by", String(200), nullable=False),
    Column("issued_at", Timestamp, nullable=False),
    Column("decided_at", Timestamp),  #: executed or withdrawn
    Column("decided_by", String(200)),
    CheckConstraint(check_sql("status", PlanStatus), name="status"),
    CheckConstraint(check_sql("method", Method), name="method"),
    CheckConstraint("distributable >= 0 and surplus >= 0", name="amounts"),
)
_open = distribution_plans.c.status.in_([s.value for s in OPEN_STATUSES])
Index(
    "uq_distribution_plans_open_case",
    distribution_plans.c.case_id,
    unique=True,
    sqlite_where=_open,
    postgresql_where=_open,
)

distribution_shares = Table(
    "distribution_shares",
    metadata,
    _id(),
    Column("plan_id", Id, ForeignKey("distribution_plans.id"), nullable=False, index=True),
    Column("party_id", Id, ForeignKey("parties.id"), nullable=False),  #: the applicant
    Column("claim", Fen, nullable=False),
    Column("share", Fen, nullable=False),
    Column("claim_order", Integer, nullable=False, server_default="0"),  #: the claim's order
    #: the payment request created when the plan was executed (none for a share of 0)
    Column("disbursement_id", Id, ForeignKey("disbursements.id")),
    UniqueConstraint("plan_id", "party_id"),
    CheckConstraint("claim > 0 and share >= 0 and share <= claim", name="amounts"),
)

distribution_objections = Table(
    "distribution_objections",
    metadata,
    _id(),
    Column("plan_id", Id, ForeignKey("distribution_plans.id"), nullable=False, index=True),
    Column("party_id", Id, ForeignKey("parties.id"), nullable=False),  #: who objects
    Column("reason", Text, nullable=False),
    Column("document_reference", String(200), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", Timestamp, nullable=False),
)
