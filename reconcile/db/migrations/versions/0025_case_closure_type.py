"""cases: how a case was closed (closure_type, art. 64); checked on PostgreSQL

SQLite would rebuild the cases table to add a CHECK, with every table that references it:
there the domain refuses an unknown type (reconcile.case_closing.ClosureType).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 07:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

TYPES = (
    "('completed', 'terminated_this_round', 'terminated', 'withdrawn', 'not_enforced', 'rejected')"
)


def upgrade() -> None:
    op.add_column("cases", sa.Column("closure_type", sa.String(24)))
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint("ck_cases_closure_type", "cases", f"closure_type in {TYPES}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("ck_cases_closure_type", "cases", type_="check")
    # a plain column: SQLite (3.35+) drops it in place, without rebuilding the table that
    # other tables reference
    op.execute("ALTER TABLE cases DROP COLUMN closure_type")
