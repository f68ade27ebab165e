"""alerts: an index on (court, id), so the alerts list reads a range instead of sorting

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 13:30:00.000000
"""

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_alerts_court_id", "alerts", ["court", "id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_court_id", table_name="alerts")
