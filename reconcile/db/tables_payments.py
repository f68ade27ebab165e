"""Tables of the payments area: holds, disbursements, approvals, deferrals, payee changes,
and the payment files (batches) finance exports for online banking.

They share `metadata` with reconcile/db/tables.py. Money is integer fen. Statement lines
(another migration branch) are referred to by plain id columns, without foreign keys.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from reconcile.db.tables import Fen, Id, Timestamp, metadata
from reconcile.deferrals import DeferralStatus
from reconcile.disbursements import DisbursementKind, DisbursementStatus
from reconcile.holds import HoldStatus
from reconcile.lifecycle import check_sql
from reconcile.payee_changes import ChangeStatus


def _id() -> Column:
    return Column("id", Id, primary_key=True, autoincrement=True)


def _request_columns() -> list[Column]:
    """Columns every request that goes through approval in layers has."""
    return [
        Column("status", String(12), nullable=False),
        Column("levels_required", Integer, nullable=False),
        Column("approvals_count", Integer, nullable=False, server_default="0"),
        Column("requested_by", String(200), nullable=False),  #: the actor's name
        Column("requested_by_id", String(64), nullable=False),  #: token or user id (maker)
        Column("requested_at", Timestamp, nullable=False),
        Column("decided_at", Timestamp),  #: last level approved, or rejected
    ]


holds = Table(
    "holds",
    metadata,
    _id(),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    Column("amount", Fen, nullable=False),
    Column("released", Fen, nullable=False, server_default="0"),  #: released so far
    Column("reason", String(200), nullable=False),  #: e.g. 执行异议, 案外人异议, 分配方案异议
    Column("document_reference", String(200), nullable=False),
    Column("status", String(10), nullable=False),  #: active | released
    Column("placed_by", String(200), nullable=False),
    Column("placed_at", Timestamp, nullable=False),
    Column("released_at", Timestamp),  #: released in full
    CheckConstraint("amount > 0 and released >= 0 and released <= amount", name="amounts"),
    CheckConstraint(check_sql("status", HoldStatus), name="status"),
)

disbursements = Table(
    "disbursements",
    metadata,
    _id(),
    #: payment | fee | respondent_refund | escrow | court_transfer | refund (of an orphan)
    Column("kind", String(20), nullable=False),
    Column("court_id", Id, ForeignKey("courts.id"), nullable=False),
    Column("collection_account_id", Id, ForeignKey("collection_accounts.id"), nullable=False),
    Column("ledger_account_id", Id, ForeignKey("ledger_accounts.id"), nullable=False),
    Column("case_id", Id, ForeignKey("cases.id"), index=True),  #: null for a refund
    #: the unidentified credit a refund returns (a statement line)
    Column("refund_of_transaction_id", Id),
    Column("amount", Fen, nullable=False),
    Column("payee_account_number", String(64), nullable=False),
    Column("payee_account_name", String(200)),
    Column("party_id", Id),  #: a payment's applicant (the payee account's party)
    #: the court document ordering it (respondent_refund, court_transfer; escrow optional)
    Column("document_reference", String(200)),
    Column("note", Text),
    *_request_columns(),
    Column("bank_reference", String(100)),  #: given by finance at mark-paid
    Column("marked_paid_by", String(200)),
    Column("paid_on", Date),  #: the day the money left: mark-paid, or the debit's booking day
    Column("transaction_id", Id),  #: the statement debit that confirmed it
    Column("confirmed_at", Timestamp),
    #: the position each level names, first level first (null: any approver, tiers by count)
    Column("level_positions", JSON),
    #: finance reviews it after the last level ([approvals] finance_review when requested)
    Column("review_required", Boolean, nullable=False, server_default=false()),
    Column("reviewed_by", String(200)),
    Column("reviewed_by_id", String(64)),
    Column("reviewed_at", Timestamp),
    Column("review_note", Text),  #: finance's note, or the reason it was returned
    #: the returned disbursement this one asks for again
    Column("resubmission_of", Id, ForeignKey("disbursements.id"), unique=True),
    #: 退汇: the booking day of the credit that brought it back, and that credit (a line)
    Column("returned_on", Date),
    Column("return_transaction_id", Id),
    CheckConstraint("amount > 0", name="amount"),
    CheckConstraint(check_sql("kind", DisbursementKind), name="kind"),
    CheckConstraint(check_sql("status", DisbursementStatus), name="status"),
    CheckConstraint(
        "(kind <> 'refund' and case_id is not null) or "
        "(kind = 'refund' and refund_of_transaction_id is not null)",
        name="owner",
    ),
)
Index("ix_disbursements_status", disbursements.c.status, disbursements.c.collection_account_id)
REFUNDS_ONLY = "kind = 'refund'"
#: the reads beside the lists (0040): the reconciliation's payments not yet on a statement
#: (an account's range of a status, in id order, summed from the index alone), the refunds
#: finance still works on, and an orphan's refunds
Index(
    "ix_disbursements_account_status",
    disbursements.c.collection_account_id,
    disbursements.c.status,
    disbursements.c.id,
    disbursements.c.paid_on,
    disbursements.c.amount,
)
#: (of the refunds alone: an index of every payment's kind would tempt a planner to read
#: every payment of a kind for a list filtered by it)
Index(
    "ix_disbursements_refunds",
    disbursements.c.status,
    disbursements.c.id,
    postgresql_where=text(REFUNDS_ONLY),
    sqlite_where=text(REFUNDS_ONLY),
)
Index("ix_disbursements_refund_of", disbursements.c.refund_of_transaction_id)
#: the lists of payments (#20, reconcile/db/disbursement_lists.py): a status tab in id
#: order, with the columns the 合计 and the tab counts filter and sum (read from the index
#: alone); every one, newest first; and the largest first, the oldest first within one amount
Index(
    "ix_disbursements_court_status",
    disbursements.c.court_id,
    disbursements.c.status,
    disbursements.c.id,
    disbursements.c.amount,
    disbursements.c.kind,
    disbursements.c.requested_at,
)
Index("ix_disbursements_court_id", disbursements.c.court_id, disbursements.c.id)
#: a status tab of a user of every court, in id order (no court to seek first)
Index("ix_disbursements_status_id", disbursements.c.status, disbursements.c.id)
Index(
    "ix_disbursements_court_amount",
    disbursements.c.court_id,
    disbursements.c.amount.desc(),
    disbursements.c.id,
)

#: How many disbursements each court has of each status and kind, and their sum: kept as
#: they are inserted and move (reconcile/db/disbursement_counts.py), so that the tabs and
#: the 合计 of 付款记录 do not count every payment of the court (#20)
disbursement_counts = Table(
    "disbursement_counts",
    metadata,
    Column("court_id", Id, ForeignKey("courts.id"), primary_key=True),
    Column("status", String(12), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("n", Integer, nullable=False),  #: how many
    Column("amount", Fen, nullable=False),  #: their sum
    CheckConstraint(check_sql("status", DisbursementStatus), name="status"),
    CheckConstraint(check_sql("kind", DisbursementKind), name="kind"),
)

#: One row per decision on a request. The unique constraints make the database itself
#: refuse a second approval by the same person, or two decisions at the same level.
approvals = Table(
    "approvals",
    metadata,
    _id(),
    Column("subject_type", String(16), nullable=False),  #: disbursement | deferral | payee_change
    Column("subject_id", Id, nullable=False),
    Column("level", Integer, nullable=False),  #: 1 = first level
    Column("decision", String(8), nullable=False),  #: approve | reject
    Column("approver_id", String(64), nullable=False),
    Column("approver_name", String(200), nullable=False),
    Column("approver_position", String(32)),  #: the approver's position when deciding
    Column("note", Text),
    Column("decided_at", Timestamp, nullable=False),
    UniqueConstraint("subject_type", "subject_id", "approver_id", name="uq_approvals_approver"),
    UniqueConstraint("subject_type", "subject_id", "level", name="uq_approvals_level"),
    CheckConstraint("decision in ('approve', 'reject')", name="decision"),
)

deferrals = Table(
    "deferrals",
    metadata,
    _id(),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  #: deferral (延缓发放) | escrow (提存)
    Column("ground", Text, nullable=False),  #: the legal ground
    Column("document_reference", String(200), nullable=False),
    Column("until", Date),  #: planned end, if known
    *_request_columns(),
    Column("approved_on", Date),  #: the clock stops from this day (local)
    Column("ended_on", Date),  #: the clock runs again after this day (local)
    Column("ended_by", String(200)),
    Column("review_on", Date),  #: the day it is reviewed (deferral_review_due)
    #: requested after a clock it pauses was due (deferral_late)
    Column("late", Boolean, nullable=False, server_default=false()),
    Column("amount", Fen),  #: the waiting money it pauses; null: the whole case
    CheckConstraint("kind in ('deferral', 'escrow')", name="kind"),
    CheckConstraint(check_sql("status", DeferralStatus), name="status"),
)

payee_account_changes = Table(
    "payee_account_changes",
    metadata,
    _id(),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    Column("applicant_name", String(200), nullable=False),
    Column("account_number", String(64), nullable=False),
    Column("account_name", String(200)),
    Column("bank_name", String(200)),
    Column("document_reference", String(200), nullable=False),
    *_request_columns(),
    Column("party_account_id", Id, ForeignKey("party_accounts.id")),  #: added on approval
    #: an agent's account (代理人账户): the agent, and the 特别授权 document naming it
    Column("agent_name", String(200)),
    Column("authorisation_document", String(200)),
    CheckConstraint(check_sql("status", ChangeStatus), name="status"),
)

#: A payment file (付款文件): reviewed payments of one court, exported once for online
#: banking. Its files are rendered when it is made and kept, so every download of a batch
#: is the same bytes; a payment is in one batch at most (payment_batch_items).
payment_batches = Table(
    "payment_batches",
    metadata,
    _id(),
    Column("court_id", Id, ForeignKey("courts.id"), nullable=False, index=True),
    Column("created_by", String(200), nullable=False),
    Column("created_by_id", String(64), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("payment_count", Integer, nullable=False),
    Column("total", Fen, nullable=False),
    Column("csv", LargeBinary, nullable=False),
    Column("xlsx", LargeBinary, nullable=False),
    Column("pain001", LargeBinary, nullable=False),
    Column("digests", JSON, nullable=False),  #: format -> SHA-256 (hex) of its file
    CheckConstraint("payment_count > 0 and total > 0", name="content"),
)

payment_batch_items = Table(
    "payment_batch_items",
    metadata,
    Column("batch_id", Id, ForeignKey("payment_batches.id"), primary_key=True),
    Column("disbursement_id", Id, ForeignKey("disbursements.id"), primary_key=True),
    Column("line", Integer, nullable=False),  #: 1 = first payment of the file
    UniqueConstraint("disbursement_id", name="uq_payment_batch_items_disbursement"),
)
