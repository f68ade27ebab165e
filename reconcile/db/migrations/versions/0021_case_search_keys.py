"""case search keys: what the case list's search box finds a case by

One row per case and key (its number from the year, the court, the type code and the
sequence; each party's name from each character on), filled here for the cases already
registered. Keys compare in code point order: collation "C" on PostgreSQL.

The keys are computed by reconcile.case_search as it stands when this runs; a later
change of the scheme rebuilds them (reconcile.db.case_search_store.reindex_cases).

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-03 07:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0017'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Key = sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'case_search_keys',
        sa.Column('case_id', Id, nullable=False),
        sa.Column('key', Key, nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'], name=op.f('fk_case_search_keys_case_id_cases')
        ),
        sa.PrimaryKeyConstraint('case_id', 'key', name=op.f('pk_case_search_keys')),
    )
    op.create_index('ix_case_search_keys_key', 'case_search_keys', ['key', 'case_id'])
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_case_search_keys_key', table_name='case_search_keys')
    op.drop_table('case_search_keys')


def _backfill(conn) -> None:
    from reconcile.db.case_search_store import reindex_cases

    reindex_cases(conn)
