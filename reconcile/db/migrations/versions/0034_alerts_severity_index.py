"""alerts: an index on (court, status, severity, id)

The alerts page (预警), most severe first, ordered by a CASE over the severity: both
databases read every open alert of the court and sorted them for a page of fifty
(240 ms on SQLite, 365 ms on PostgreSQL at 250,000 open alerts). With this index the page is
one range read per severity, in rank order, until it is full.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 02:10:00.000000
"""

from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_alerts_court_status_severity", "alerts", ["court", "status", "severity", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_alerts_court_status_severity", table_name="alerts")
