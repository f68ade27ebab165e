"""case deadline due: each case's next due day, so the deadline scan reads only due cases

Every case gets a row, never scanned (set-based): the first scan after the upgrade computes every
case once, as every scan did before, and stores each one's next due day; from then on a
scan reads the cases that are due or that a writer marked dirty.

Revision ID: 0036
Revises: 0019
Create Date: 2026-12-07 23:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_deadline_due",
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("changes", sa.Integer(), server_default="1", nullable=False),
        sa.Column("scanned_changes", sa.Integer(), nullable=True),
        sa.Column("scanned_on", sa.Date(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_deadline_due_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_deadline_due")),
    )
    op.create_index("ix_case_deadline_due_next_due", "case_deadline_due", ["next_due"])
    # never scanned (scanned_changes null): the first scan computes each case
    op.execute("INSERT INTO case_deadline_due (case_id) SELECT id FROM cases")


def downgrade() -> None:
    op.drop_index("ix_case_deadline_due_next_due", table_name="case_deadline_due")
    op.drop_table("case_deadline_due")
