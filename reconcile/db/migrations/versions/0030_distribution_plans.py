"""distribution plans (分配方案, #17): plans, their shares and the objections to them

At most one open (issued or objected) plan per case: a partial unique index.

Revision ID: 0030
Revises: 0026
Create Date: 2026-12-03 12:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0026'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
OPEN = sa.text("status IN ('issued', 'objected')")


def upgrade() -> None:
    op.create_table(
        'distribution_plans',
        sa.Column('id', Id, autoincrement=True, nullable=False),
        sa.Column('case_id', Id, nullable=False),
        sa.Column('method', sa.String(length=12), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('distributable', sa.BigInteger(), nullable=False),
        sa.Column('surplus', sa.BigInteger(), nullable=False),
        sa.Column('hold_id', Id, nullable=True),
        sa.Column('document_reference', sa.String(length=200), nullable=False),
        sa.Column('served_on', sa.Date(), nullable=False),
        sa.Column('objection_ends_on', sa.Date(), nullable=False),
        sa.Column('issued_by', sa.String(length=200), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status in ('issued', 'objected', 'executed', 'withdrawn')",
            name=op.f('ck_distribution_plans_status'),
        ),
        sa.CheckConstraint(
            "method in ('pro_rata', 'order')", name=op.f('ck_distribution_plans_method')
        ),
        sa.CheckConstraint(
            'distributable >= 0 and surplus >= 0', name=op.f('ck_distribution_plans_amounts')
        ),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'], name=op.f('fk_distribution_plans_case_id_cases')
        ),
        sa.ForeignKeyConstraint(
            ['hold_id'], ['holds.id'], name=op.f('fk_distribution_plans_hold_id_holds')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_plans')),
    )
    op.create_index(
        op.f('ix_distribution_plans_case_id'), 'distribution_plans', ['case_id'], unique=False
    )
    op.create_index(
        op.f('ix_distribution_plans_objection_ends_on'),
        'distribution_plans',
        ['objection_ends_on'],
        unique=False,
    )
    op.create_index(
        'uq_distribution_plans_open_case',
        'distribution_plans',
        ['case_id'],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        'distribution_shares',
        sa.Column('id', Id, autoincrement=True, nullable=False),
        sa.Column('plan_id', Id, nullable=False),
        sa.Column('party_id', Id, nullable=False),
        sa.Column('claim', sa.BigInteger(), nullable=False),
        sa.Column('share', sa.BigInteger(), nullable=False),
        sa.Column('claim_order', sa.Integer(), server_default='0', nullable=False),
        sa.Column('disbursement_id', Id, nullable=True),
        sa.CheckConstraint(
            'claim > 0 and share >= 0 and share <= claim',
            name=op.f('ck_distribution_shares_amounts'),
        ),
        sa.ForeignKeyConstraint(
            ['plan_id'],
            ['distribution_plans.id'],
            name=op.f('fk_distribution_shares_plan_id_distribution_plans'),
        ),
        sa.ForeignKeyConstraint(
            ['party_id'], ['parties.id'], name=op.f('fk_distribution_shares_party_id_parties')
        ),
        sa.ForeignKeyConstraint(
            ['disbursement_id'],
            ['disbursements.id'],
            name=op.f('fk_distribution_shares_disbursement_id_disbursements'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_shares')),
        sa.UniqueConstraint('plan_id', 'party_id', name=op.f('uq_distribution_shares_plan_id')),
    )
    op.create_index(
        op.f('ix_distribution_shares_plan_id'), 'distribution_shares', ['plan_id'], unique=False
    )
    op.create_table(
        'distribution_objections',
        sa.Column('id', Id, autoincrement=True, nullable=False),
        sa.Column('plan_id', Id, nullable=False),
        sa.Column('party_id', Id, nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('document_reference', sa.String(length=200), nullable=False),
        sa.Column('recorded_by', sa.String(length=200), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['plan_id'],
            ['distribution_plans.id'],
            name=op.f('fk_distribution_objections_plan_id_distribution_plans'),
        ),
        sa.ForeignKeyConstraint(
            ['party_id'], ['parties.id'], name=op.f('fk_distribution_objections_party_id_parties')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_objections')),
    )
    op.create_index(
        op.f('ix_distribution_objections_plan_id'),
        'distribution_objections',
        ['plan_id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table('distribution_objections')
    op.drop_table('distribution_shares')
    op.drop_table('distribution_plans')
