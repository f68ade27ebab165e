"""deferrals: a review day, the late flag and the amount paused (#18, art. 22)

- `review_on`: the day the deferral is to be reviewed (the deadline scan raises
  deferral_review_due on it); a deferral names it, or `until`, or both;
- `late`: the deferral was requested after a clock it pauses was already due;
- `amount`: the fen it pauses of the case's waiting money (null: the whole case).

Plain columns: SQLite adds them in place.

Revision ID: 0028
Revises: 0031
Create Date: 2026-12-07 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deferrals", sa.Column("review_on", sa.Date()))
    op.add_column(
        "deferrals",
        sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("deferrals", sa.Column("amount", sa.BigInteger()))


def downgrade() -> None:
    # plain columns: SQLite (3.35+) drops them in place, without rebuilding the table that
    # other tables reference
    for column in ("amount", "late", "review_on"):
        op.execute(f"ALTER TABLE deferrals DROP COLUMN {column}")
