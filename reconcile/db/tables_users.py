"""Staff who sign in to the pages: one role each, the courts they may see, lockout state.

And the people behind every credential: an API token (reconcile/db/tables.py) and a staff
user each belong to one person, and maker ≠ checker compares people, not credentials.
"""

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table, false

from reconcile.db.tables import Id, Timestamp, metadata
from reconcile.lifecycle import check_sql
from reconcile.permissions import Role

#: A person: the human behind one or more credentials. Named at `reconcile tokens create
#: --person` / `reconcile users create --person`; a credential created without a person is
#: its own person, named after it ("token:3", "user:5"), as are those from before 0016. A
#: credential's person is set when it is created and never changes.
people = Table(
    "people",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", Timestamp, nullable=False),
    #: the post they hold (职务: 执行局长, 分管院领导, 财务人员 …), one of [positions] of
    #: their courts; approval levels name positions. Null: none (any-approver tiers only).
    Column("position", String(32)),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),  #: werkzeug scrypt hash
    Column("role", String(16), nullable=False),
    #: failed sign-ins since the last success; reaching the limit locks the account
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", Timestamp),
    Column("created_at", Timestamp, nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("person_id", Id, ForeignKey("people.id"), nullable=False),  #: who signs in
    #: the pages' language the user chose last (zh | en); null: the configured default
    Column("language", String(8)),
    CheckConstraint(check_sql("role", Role), name="role"),
)

user_courts = Table(
    "user_courts",
    metadata,
    Column("user_id", Id, ForeignKey("users.id"), primary_key=True),
    Column("court_id", Id, ForeignKey("courts.id"), primary_key=True),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    #: SHA-256 (hex) of the random id the signed cookie carries; the id itself is not stored
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", Timestamp, nullable=False),  #: the absolute lifetime runs from here
    Column("last_seen", Timestamp, nullable=False),  #: the sliding lifetime runs from here
    Column("revoked_at", Timestamp),  #: signed out: the cookie no longer works
)

sign_in_throttles = Table(
    "sign_in_throttles",
    metadata,
    #: "source:<sha256 of the address>" or "pair:<sha256 of name and address>"
    Column("key", String(80), primary_key=True),
    #: failures since `since` (a source's window) or in a row (a name from a source)
    Column("failures", Integer, nullable=False),
    Column("since", Timestamp, nullable=False),
    Column("last_at", Timestamp),
)
