"""audit: an index to read one object's records (the audit trail pages)

Revision ID: 0023
Revises: 0014
Create Date: 2026-12-03 07:00:00.000000
"""

from alembic import op

revision = '0023'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_audit_records_entity', 'audit_records', ['entity_type', 'entity_id', 'seq']
    )


def downgrade() -> None:
    op.drop_index('ix_audit_records_entity', table_name='audit_records')
