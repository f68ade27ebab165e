"""users: staff accounts for the web pages

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-28 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("role in ('enforcement', 'finance', 'approver', 'desk', 'admin')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('user_courts',
    sa.Column('user_id', Id, nullable=False),
    sa.Column('court_id', Id, nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_user_courts_court_id_courts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_courts_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'court_id', name=op.f('pk_user_courts'))
    )


def downgrade() -> None:
    op.drop_table('user_courts')
    op.drop_table('users')
