"""delivery priority: criticals first, then warnings and case events, then info

Each delivery gets the priority of its alert's severity (case events rank with warnings);
the pending ones are indexed by (priority, next_attempt_at, id), which replaces the index
on next_attempt_at alone.

Revision ID: 0011
Revises: 0002
Create Date: 2026-12-02 14:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0002'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")

#: the ranks as of this revision (reconcile/db/outbox.py may move; this may not)
BACKFILL = """
UPDATE deliveries SET priority = CASE
    (SELECT severity FROM alerts WHERE alerts.id = deliveries.alert_id)
    WHEN 'critical' THEN 0 WHEN 'info' THEN 2 ELSE 1 END
WHERE alert_id IS NOT NULL
"""


def upgrade() -> None:
    # NOT NULL with a default: SQLite adds it in place, no table rebuild
    op.add_column('deliveries', sa.Column('priority', sa.SmallInteger(), server_default='1', nullable=False))
    op.execute(BACKFILL)
    op.drop_index('ix_deliveries_due', table_name='deliveries', sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index('ix_deliveries_pending_by_priority', 'deliveries', ['priority', 'next_attempt_at', 'id'], unique=False, sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    op.drop_index('ix_deliveries_pending_by_priority', table_name='deliveries', sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index('ix_deliveries_due', 'deliveries', ['next_attempt_at'], unique=False, sqlite_where=PENDING, postgresql_where=PENDING)
    # plain DROP COLUMN (SQLite 3.35+): a batch rebuild is not needed for an unindexed column
    op.execute('ALTER TABLE deliveries DROP COLUMN priority')
