"""upload previews: a file kept while its owner reads the preview, until confirmed

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 16:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'upload_previews',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('owner_id', sa.String(length=64), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('format', sa.String(length=32), nullable=True),
        sa.Column('account', sa.String(length=64), nullable=True),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('preview', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_upload_previews')),
    )
    op.create_index(
        op.f('ix_upload_previews_expires_at'), 'upload_previews', ['expires_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_upload_previews_expires_at'), table_name='upload_previews')
    op.drop_table('upload_previews')
