"""daily totals: per account and day, the bank's lines and the books' postings, kept

The daily reconciliation reads these instead of summing every line and entry ever
stored; they are filled here from the rows already there, in one INSERT … SELECT.
Also the indexes the reconciliation and the staff lists page through.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 07:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

#: the court's day of a posting (Asia/Shanghai: UTC+8, no DST since 1991); SQLite keeps
#: a moment as its UTC wall time
LOCAL_DAY = {
    'sqlite': "date(e.created_at, '+8 hours')",
    'postgresql': "date(timezone('Asia/Shanghai', e.created_at))",
}

BACKFILL = """
INSERT INTO daily_totals
    (collection_account_id, day, bank, lines, cases, suspense, approved_unpaid)
SELECT collection_account_id, day, sum(bank), sum(lines), sum(cases), sum(suspense),
       sum(approved_unpaid)
FROM (
    SELECT collection_account_id, booked_on AS day,
           CASE WHEN direction = 'credit' THEN amount ELSE -amount END AS bank,
           1 AS lines, 0 AS cases, 0 AS suspense, 0 AS approved_unpaid
    FROM statement_lines WHERE status <> 'void'
    UNION ALL
    SELECT a.collection_account_id, coalesce(l.booked_on, {local_day}), 0, 0,
           CASE WHEN a.kind = 'case' THEN {net} ELSE 0 END,
           CASE WHEN a.kind = 'suspense' THEN {net} ELSE 0 END,
           CASE WHEN e.bucket = 'approved_unpaid' THEN e.amount ELSE 0 END
    FROM ledger_entries e
    JOIN ledger_accounts a ON a.id = e.ledger_account_id
    LEFT JOIN statement_lines l ON l.id = e.transaction_id
    WHERE e.bucket IN ('received', 'paid', 'approved_unpaid')
) AS t
GROUP BY collection_account_id, day
"""
NET = "CASE e.bucket WHEN 'received' THEN e.amount WHEN 'paid' THEN -e.amount ELSE 0 END"

#: name -> (table, columns)
INDEXES = {
    'ix_statement_imports_period_end': ('statement_imports', ['collection_account_id', 'period_end']),
}


def upgrade() -> None:
    op.create_table('daily_totals',
    sa.Column('collection_account_id', Id, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('bank', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('lines', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cases', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('suspense', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('approved_unpaid', sa.BigInteger(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['collection_account_id'], ['collection_accounts.id'],
                            name=op.f('fk_daily_totals_collection_account_id_collection_accounts')),
    sa.PrimaryKeyConstraint('collection_account_id', 'day', name=op.f('pk_daily_totals'))
    )
    dialect = op.get_bind().dialect.name
    op.execute(BACKFILL.format(local_day=LOCAL_DAY[dialect], net=NET))
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.drop_table('daily_totals')
