"""The schema, as SQLAlchemy Core tables. Alembic migrations create it; this is the reference.

Money is integer fen (BIGINT): SQLite has no exact decimal type.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from reconcile.case_closing import ClosureType
from reconcile.cases import CaseStatus
from reconcile.ledger import BUCKETS, EntryKind
from reconcile.lifecycle import check_sql
from reconcile.money import MAX_AMOUNT_FEN, MAX_TOTAL_FEN
from reconcile.permissions import Role

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: a 64-bit key that is still SQLite's rowid alias (autoincrementing)
Id = BigInteger().with_variant(Integer, "sqlite")
Fen = BigInteger
Timestamp = DateTime(timezone=True)


def _id() -> Column:
    return Column("id", Id, primary_key=True, autoincrement=True)


courts = Table(
    "courts",
    metadata,
    _id(),
    Column("code", String(16), nullable=False, unique=True),  #: e.g. 京0105
    Column("name", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

collection_accounts = Table(
    "collection_accounts",
    metadata,
    _id(),
    Column("court_id", Id, ForeignKey("courts.id"), nullable=False),
    Column("account_number", String(64), nullable=False, unique=True),
    Column("bank_name", String(200), nullable=False),
    #: the holder's name as the bank registered it (收款户名), printed on every notice
    Column("account_name", String(200)),
    Column("currency", String(3), nullable=False),
    #: digits every sub-account number under this account starts with
    Column("sub_account_prefix", String(32), nullable=False),
    Column("sub_account_width", Integer, nullable=False),
    #: True: numbers end in ISO 7064 MOD 97-10 check digits, and typos are detected
    Column("sub_account_check_digits", Boolean, nullable=False),
    #: last sequence issued; numbers are never reused
    Column("last_sequence", BigInteger, nullable=False, server_default="0"),
    #: the court's own accounts (fees, …) debits may lawfully go to
    Column("court_accounts", JSON, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    _id(),
    Column("court_id", Id, ForeignKey("courts.id"), nullable=False),
    Column("collection_account_id", Id, ForeignKey("collection_accounts.id"), nullable=False),
    Column("case_number", String(64), nullable=False, unique=True),  #: canonical form
    Column("case_number_raw", String(200), nullable=False),  #: as the enforcement system sent it
    Column("sub_account_number", String(64), nullable=False),
    Column("sub_account_source", String(8), nullable=False),  #: bank | service
    Column("status", String(8), nullable=False),  #: open | closed
    Column("amount_due", Fen, nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("closed_at", Timestamp),
    #: how it ended (reconcile.case_closing.ClosureType); null while open
    Column("closure_type", String(24)),
    UniqueConstraint("collection_account_id", "sub_account_number"),
    CheckConstraint(check_sql("status", CaseStatus), name="status"),
    CheckConstraint("amount_due >= 0", name="amount_due"),
    CheckConstraint(check_sql("closure_type", ClosureType), name="closure_type").ddl_if(
        dialect="postgresql"
    ),
)

parties = Table(
    "parties",
    metadata,
    _id(),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    Column("role", String(12), nullable=False),  #: applicant | respondent
    Column("name", String(200), nullable=False),
    Column("id_number", String(64)),  #: 身份证号/统一社会信用代码, where given
    #: an applicant's own entitlement (申请执行人应得款) and its rank for an `order` plan
    Column("amount_due", Fen),
    Column("claim_order", Integer),
    CheckConstraint("role in ('applicant', 'respondent')", name="role"),
)

party_accounts = Table(
    "party_accounts",
    metadata,
    _id(),
    Column("party_id", Id, ForeignKey("parties.id"), nullable=False, index=True),
    Column("case_id", Id, ForeignKey("cases.id"), nullable=False, index=True),
    #: payee: an applicant's confirmed account (the only lawful destination);
    #: known: a respondent's account (identifies payments)
    Column("kind", String(8), nullable=False),
    Column("account_number", String(64), nullable=False, index=True),
    Column("account_name", String(200)),
    Column("bank_name", String(200)),
    Column("added_at", Timestamp, nullable=False),
    Column("document_reference", String(200)),  #: the court document naming it, when added later
    #: an agent's account (代理人账户): the agent, and the 特别授权 document naming it
    Column("agent_name", String(200)),
    Column("authorisation_document", String(200)),
    CheckConstraint("kind in ('payee', 'known')", name="kind"),
)

#: One ledger per case, and one suspense ledger per collection account for orphan funds.
#: The bucket columns are a projection of ledger_entries kept in the same transaction,
#: so balances are read, not summed per request; `reconcile ledger verify` re-derives them.
ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    _id(),
    Column("collection_account_id", Id, ForeignKey("collection_accounts.id"), nullable=False),
    Column("case_id", Id, ForeignKey("cases.id"), unique=True),  #: null for a suspense ledger
    Column("kind", String(8), nullable=False),  #: case | suspense
    Column("received", Fen, nullable=False, server_default="0"),
    Column("held", Fen, nullable=False, server_default="0"),
    Column("pending", Fen, nullable=False, server_default="0"),
    Column("approved_unpaid", Fen, nullable=False, server_default="0"),
    Column("paid", Fen, nullable=False, server_default="0"),
    CheckConstraint("kind in ('case', 'suspense')", name="kind"),
    CheckConstraint(
        "received >= 0 and held >= 0 and pending >= 0 and approved_unpaid >= 0 and paid >= 0",
        name="buckets_not_negative",
    ),
    CheckConstraint("received - paid - pending - approved_unpaid >= 0", name="not_overdrawn"),
    # on SQLite a trigger of the same name holds it (migration 0009)
    CheckConstraint(
        " and ".join(f"{b} <= {MAX_TOTAL_FEN}" for b in BUCKETS), name="buckets_bounded"
    ).ddl_if(dialect="postgresql"),
)
Index(
    "uq_ledger_accounts_suspense",
    ledger_accounts.c.collection_account_id,
    unique=True,
    sqlite_where=ledger_accounts.c.kind == "suspense",
    postgresql_where=ledger_accounts.c.kind == "suspense",
)

#: Append-only. A correction is a new entry with `reverses_entry_id` set.
ledger_entries = Table(
    "ledger_entries",
    metadata,
    _id(),
    Column("ledger_account_id", Id, ForeignKey("ledger_accounts.id"), nullable=False),
    Column("bucket", String(16), nullable=False),
    Column("amount", Fen, nullable=False),  #: signed change of the bucket
    Column("kind", String(32), nullable=False),  #: reconcile.ledger.EntryKind
    Column("transaction_id", Id),
    #: its statement line's booking day, the day its money arrived (0039: the deadline
    #: scan reads it with the entry, not per entry from the line)
    Column("booked_on", Date),
    Column("hold_id", Id),
    Column("disbursement_id", Id),
    Column("reverses_entry_id", Id, ForeignKey("ledger_entries.id")),
    Column("note", Text),
    Column("created_at", Timestamp, nullable=False),
    CheckConstraint(
        "bucket in ('received', 'held', 'pending', 'approved_unpaid', 'paid')", name="bucket"
    ),
    CheckConstraint("amount <> 0", name="amount_not_zero"),
    CheckConstraint(check_sql("kind", EntryKind), name="kind"),
    CheckConstraint(
        f"amount between -{MAX_AMOUNT_FEN} and {MAX_AMOUNT_FEN}", name="amount_bounded"
    ),
)
Index("ix_ledger_entries_account", ledger_entries.c.ledger_account_id, ledger_entries.c.id)
Index("ix_ledger_entries_reverses_entry_id", ledger_entries.c.reverses_entry_id)

#: Hash-chained: each record's hash covers its content and the previous hash.
audit_records = Table(
    "audit_records",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", Timestamp, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("court", String(16)),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("entity_id", String(64)),
    Column("before", JSON),
    Column("after", JSON),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

Index(
    "ix_audit_records_entity",
    audit_records.c.entity_type,
    audit_records.c.entity_id,
    audit_records.c.seq,
)

#: The chain's head: detects a deleted last record, and serialises appends (row lock).
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    #: the first record hashed with the key; those before it are plain SHA-256
    Column("keyed_from", BigInteger, nullable=False, server_default="1"),
)

#: Signed checkpoints of the chain and the money tables (reconcile.checkpoints). The desk
#: keeps its own copies: these are for convenience, not proof.
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("number", BigInteger, primary_key=True, autoincrement=False),
    Column("taken_at", Timestamp, nullable=False),
    Column("document", JSON, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    _id(),
    Column("token_hash", String(64), nullable=False, unique=True),  #: sha256 of the token
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("revoked_at", Timestamp),
    #: who uses it (reconcile/db/tables_users.py: people); maker ≠ checker compares people
    Column("person_id", Id, ForeignKey("people.id"), nullable=False),
    CheckConstraint(check_sql("role", Role), name="role"),
)

api_token_courts = Table(
    "api_token_courts",
    metadata,
    Column("token_id", Id, ForeignKey("api_tokens.id"), primary_key=True),
    Column("court_id", Id, ForeignKey("courts.id"), primary_key=True),
)

#: An Idempotency-Key is claimed in the same transaction as the change it guards.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    _id(),
    Column("principal", String(64), nullable=False),  #: who sent it (token id)
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer),  #: null until the response is stored
    Column("response_body", Text),
    Column("created_at", Timestamp, nullable=False),
    UniqueConstraint("principal", "key"),
)
