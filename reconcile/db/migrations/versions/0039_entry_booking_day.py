"""entry booking day: each ledger entry keeps its statement line's booking day (#16)

`ledger_entries.booked_on`: the day the entry's money reached the bank (its line's
booking day; null for an entry without a line). The deadline scan reads it with the
entries of a batch of cases, instead of looking up one statement line per entry (two
thirds of a scan computing 100,000 cases); the postings write it from the line they
post (ledger_store). Backfilled set-based from the lines.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-08 03:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

BACKFILL = {
    "postgresql": (
        "UPDATE ledger_entries AS e SET booked_on = l.booked_on FROM statement_lines AS l "
        "WHERE l.id = e.transaction_id"
    ),
    "sqlite": (
        "UPDATE ledger_entries SET booked_on = (SELECT l.booked_on FROM statement_lines AS l "
        "WHERE l.id = ledger_entries.transaction_id) WHERE transaction_id IS NOT NULL"
    ),
}


def upgrade() -> None:
    op.add_column("ledger_entries", sa.Column("booked_on", sa.Date(), nullable=True))
    op.execute(BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    # not rebuilt on SQLite: entries reference entries (ALTER TABLE … DROP COLUMN, 3.35+)
    op.drop_column("ledger_entries", "booked_on")
