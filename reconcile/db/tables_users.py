"""Staff who sign in to the pages: one role each, the courts they may see, lockout state."""

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table, false

from reconcile.db.tables import Id, Timestamp, metadata
from reconcile.lifecycle import check_sql
from reconcile.permissions import Role

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
    CheckConstraint(check_sql("role", Role), name="role"),
)

user_courts = Table(
    "user_courts",
    metadata,
    Column("user_id", Id, ForeignKey("users.id"), primary_key=True),
    Column("court_id", Id, ForeignKey("courts.id"), primary_key=True),
)
