"""Credits placed on cases besides the import's matches, and money cases wait for.

`transaction_parts`: what staff placed by hand, an assignment or a split of one credit
across several cases (a respondent paying several cases in one transfer). Each part names
the two ledger entries that moved its money (suspense out, case in); it is taken back by
reversing both, and then records the reversal. What a credit has not placed stays an
orphan on the suspense ledger: `amount − Σ placed parts`.

`expected_receipts`: money a case is waiting for (reconcile/expected_receipts.py).
"""

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text

from reconcile.db.tables import Fen, Id, Timestamp, metadata
from reconcile.expected_receipts import ExpectedSource
from reconcile.lifecycle import check_sql
from reconcile.money import MAX_AMOUNT_FEN

transaction_parts = Table(
    "transaction_parts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("transaction_id", Id, ForeignKey("statement_lines.id"), nullable=False),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False),
    Column("amount", Fen, nullable=False),  #: positive fen
    Column("case_entry_id", Id, ForeignKey("ledger_entries.id"), nullable=False),
    Column("suspense_entry_id", Id, ForeignKey("ledger_entries.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_by", String(200), nullable=False),
    Column("placed_at", Timestamp, nullable=False),
    #: set once, when the part is taken off its case again (null while it is placed)
    Column("reversed_at", Timestamp),
    Column("reversed_by", String(200)),
    Column("reversal_reason", Text),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint(f"amount <= {MAX_AMOUNT_FEN}", name="amount_bounded"),
)
Index("ix_transaction_parts_transaction", transaction_parts.c.transaction_id)
Index("ix_transaction_parts_case", transaction_parts.c.case_id)

#: Money a case is waiting for (待到账款): registered by enforcement, matched when it comes.
expected_receipts = Table(
    "expected_receipts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    Column("source", String(24), nullable=False),  #: reconcile.expected_receipts.ExpectedSource
    Column("reference", String(128)),  #: what the credit's remark or bank reference carries
    Column("amount", Fen, nullable=False),
    Column("payer_account", String(64)),  #: normalised: who pays it (the deducted account)
    Column("expected_by", Date, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    #: the credit that brought it, once it came (null while it is still expected)
    Column("transaction_id", Id, ForeignKey("statement_lines.id")),
    Column("received_at", Timestamp),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint(f"amount <= {MAX_AMOUNT_FEN}", name="amount_bounded"),
    CheckConstraint(check_sql("source", ExpectedSource), name="source"),
)
