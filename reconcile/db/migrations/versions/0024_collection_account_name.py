"""collection accounts: the holder's name as the bank registered it (收款户名)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 07:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('collection_accounts', sa.Column('account_name', sa.String(200)))


def downgrade() -> None:
    # a plain column: SQLite (3.35+) drops it in place, without rebuilding the table that
    # other tables reference
    op.execute('ALTER TABLE collection_accounts DROP COLUMN account_name')
