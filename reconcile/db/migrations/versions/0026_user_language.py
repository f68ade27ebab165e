"""users: the pages' language each user chose last

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 07:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = '0016'  # the users table and its people (0005, 0016)


def upgrade() -> None:
    op.add_column('users', sa.Column('language', sa.String(8)))


def downgrade() -> None:
    # a plain column: SQLite (3.35+) drops it in place, without rebuilding the table that
    # other tables reference
    op.execute('ALTER TABLE users DROP COLUMN language')
