"""Imported statements and their lines (the transactions money is matched from)."""

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from reconcile.db.tables import Fen, Id, Timestamp, metadata
from reconcile.lifecycle import check_sql
from reconcile.money import MAX_AMOUNT_FEN
from reconcile.statement_lines import LineStatus
from reconcile.statement_voids import VoidStatus

#: One uploaded file, imported completely or not at all.
statement_imports = Table(
    "statement_imports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("collection_account_id", Id, ForeignKey("collection_accounts.id"), nullable=False),
    #: the same file is one import; a voided import gives it up (it reads void:<void id>)
    Column("file_sha256", String(64), nullable=False, unique=True),
    Column("filename", String(255)),
    Column("format", String(32), nullable=False),
    Column("currency", String(3)),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("opening_balance", Fen),  #: as the file states it, where it does
    Column("closing_balance", Fen),
    Column("report", JSON),  #: the import report as the API shows it; null while importing
    Column("imported_by", String(200), nullable=False),
    Column("imported_at", Timestamp, nullable=False),
    Column("voided_at", Timestamp),  #: an approved void took it back
    Column("voided_file_sha256", String(64)),  #: its file's hash, once the void released it
    #: its stored lines' count and fen sum by direction, kept when they are stored (0033):
    #: the import history shows them without reading every line of every import
    Column("credit_lines", Integer),
    Column("credits", Fen),
    Column("debit_lines", Integer),
    Column("debits", Fen),
)
#: the target of the lines' key: a line's account is its statement's
Index(
    "uq_statement_imports_account",
    statement_imports.c.id,
    statement_imports.c.collection_account_id,
    unique=True,
)

#: An uploaded file kept while its owner looks at the preview, to be imported on
#: confirmation without a second upload; gone once imported, discarded or expired.
upload_previews = Table(
    "upload_previews",
    metadata,
    Column("id", String(32), primary_key=True),  #: random: the preview's address
    Column("owner_id", String(64), nullable=False),  #: the staff user who uploaded it
    Column("file_sha256", String(64), nullable=False),  #: checked again on confirmation
    Column("filename", String(255)),
    Column("format", String(32)),  #: as chosen, or null to detect
    Column("account", String(64)),  #: as chosen, or null for the file's own
    Column("data", LargeBinary, nullable=False),
    Column("preview", JSON, nullable=False),  #: the dry run's report and lines
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=False, index=True),
)

#: A credit or debit on the collection account. Stored once per account: a line that a
#: later, overlapping statement repeats is recognised by its dedupe key and not stored again.
statement_lines = Table(
    "statement_lines",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("statement_id", Id, nullable=False),
    Column("collection_account_id", Id, nullable=False),
    Column("line_no", Integer),  #: where the line stands in its file
    Column("direction", String(6), nullable=False),  #: credit | debit
    Column("amount", Fen, nullable=False),  #: positive; direction gives the sign
    Column("currency", String(3), nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("value_date", Date),
    Column("booked_at", DateTime),  #: local time, where the file gives one
    Column("bank_reference", String(128)),
    Column("counterparty_name", String(255)),
    Column("counterparty_account", String(64)),
    Column("counterparty_bank", String(255)),
    Column("remark", Text),
    Column("sub_account", String(64)),  #: the virtual account the payer addressed, as given
    Column("raw", Text),
    #: bank reference where there is one, else a fingerprint with its occurrence in the file
    Column("dedupe_key", String(160), nullable=False),
    #: reconcile.statement_lines.LineStatus — credit: matched | orphan | refunding |
    #: refunded; debit: reconciled | flagged
    Column("status", String(12), nullable=False),
    Column("case_id", Id, ForeignKey("cases.id")),
    Column("match_rule", String(16)),  #: sub_account | case_number | payer | manual
    Column("match_evidence", JSON),
    Column("orphan_reason", String(32)),
    Column("suggestions", JSON),  #: ranked candidate cases for an orphan
    Column("disbursement_id", Id),  #: the payment a debit confirms
    Column("resolution_note", Text),
    #: a void line's own key, once the void released it (its dedupe_key reads void:<id>)
    Column("voided_key", String(160)),
    UniqueConstraint("collection_account_id", "dedupe_key"),
    # one key, not one per column: a line's statement and account agree, and PostgreSQL
    # checks one reference per line instead of two (an import stores up to millions)
    ForeignKeyConstraint(
        ["statement_id", "collection_account_id"],
        ["statement_imports.id", "statement_imports.collection_account_id"],
    ),
    CheckConstraint("direction in ('credit', 'debit')", name="direction"),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint(f"amount <= {MAX_AMOUNT_FEN}", name="amount_bounded"),
    CheckConstraint(check_sql("status", LineStatus), name="status"),
)
Index("ix_statement_lines_statement", statement_lines.c.statement_id, statement_lines.c.status)
Index(
    "ix_statement_lines_status",
    statement_lines.c.collection_account_id,
    statement_lines.c.status,
    statement_lines.c.id,
)
Index("ix_statement_lines_case", statement_lines.c.case_id)
#: the orphan queue (不明款): an account's lines in a state by booking day, a range read;
#: with the amount, its 合计 reads the index alone (0033)
Index(
    "ix_statement_lines_status_booked",
    statement_lines.c.collection_account_id,
    statement_lines.c.status,
    statement_lines.c.direction,
    statement_lines.c.booked_on,
    statement_lines.c.id,
    statement_lines.c.amount,
)
#: the reconciliation's anchor: the account's last stated balance until a day
Index(
    "ix_statement_imports_period_end",
    statement_imports.c.collection_account_id,
    statement_imports.c.period_end,
)

#: A request to void an import (撤销导入), approved in layers like every request; once
#: approved, `summary` says what it reversed.
statement_voids = Table(
    "statement_voids",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("statement_id", Id, ForeignKey("statement_imports.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("status", String(12), nullable=False),  #: requested | approved | rejected
    Column("levels_required", Integer, nullable=False),
    Column("approvals_count", Integer, nullable=False, server_default="0"),
    Column("requested_by", String(200), nullable=False),
    Column("requested_by_id", String(64), nullable=False),  #: the maker
    Column("requested_at", Timestamp, nullable=False),
    Column("decided_at", Timestamp),
    Column("summary", JSON),  #: entries reversed, lines voided, alerts resolved, cases
    CheckConstraint(check_sql("status", VoidStatus), name="status"),
)

#: A bank export layout a court taught the service once (流水格式): the keys of a
#: config/csv_profiles/*.toml file, as JSON; files whose header it names import with it.
statement_profiles = Table(
    "statement_profiles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("court", String(16), nullable=False),  #: the court's code
    Column("name", String(100), nullable=False),
    Column("definition", JSON, nullable=False),  #: the profile's keys (detect, columns, …)
    Column("created_by", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_by", String(200)),
    Column("updated_at", Timestamp),
    UniqueConstraint("court", "name", name="uq_statement_profiles_court_name"),
)
