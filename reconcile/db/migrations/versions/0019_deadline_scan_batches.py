"""deadline scan batches: the claims that let several scanners share the deadline scan

Revision ID: 0019
Revises: 0004
Create Date: 2026-12-03 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deadline_scan_batches",
        sa.Column("batch", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cases", sa.Integer(), server_default="0", nullable=False),
        sa.Column("raised", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("batch", name=op.f("pk_deadline_scan_batches")),
    )


def downgrade() -> None:
    op.drop_table("deadline_scan_batches")
