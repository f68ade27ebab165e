"""Line rules (reconcile/line_rules.py): the finance office's rules for lines that are not
case money (利息, 手续费, 本院划转), or that belong to a named case.

A rule is changed in place only through its use case, which audits every change with the
rule before and after (reconcile/services/line_rules.py); it is switched off (`active`),
never deleted, so that the lines it decided keep naming it.
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    true,
)

from reconcile.db.tables import Fen, Id, Timestamp, metadata
from reconcile.lifecycle import check_sql
from reconcile.line_rules import LineOutcome

line_rules = Table(
    "line_rules",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("court", String(16), nullable=False),  #: the court's code
    Column("name", String(100), nullable=False),
    #: conditions: every one given must hold (none given: refused when saved)
    Column("direction", String(6)),  #: credit | debit | null (either)
    Column("counterparty_name", String(200)),  #: the name contains this text
    Column("counterparty_account", String(64)),  #: the account, exactly (normalised)
    Column("remark_text", String(200)),  #: the remark contains this text
    Column("remark_pattern", String(200)),  #: a checked regular expression (re.search)
    Column("amount_min", Fen),  #: fen, inclusive
    Column("amount_max", Fen),
    #: outcome: a non-case ledger, or a case (credits only)
    Column("outcome", String(16), nullable=False),
    Column("case_id", Id, ForeignKey("cases.id")),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("created_by", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_by", String(200)),
    Column("updated_at", Timestamp),
    UniqueConstraint("court", "name", name="uq_line_rules_court_name"),
    CheckConstraint(check_sql("outcome", LineOutcome), name="outcome"),
    CheckConstraint("direction is null or direction in ('credit', 'debit')", name="direction"),
    CheckConstraint("(outcome = 'case') = (case_id is not null)", name="case_outcome_names_case"),
)
Index("ix_line_rules_court_active", line_rules.c.court, line_rules.c.active, line_rules.c.id)
