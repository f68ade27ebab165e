"""money: every amount and every balance bounded far below BIGINT

A single amount holds at most 1 trillion yuan (10^14 fen), a balance at most 1
quadrillion yuan (10^17 fen). The service refuses beyond these with a 422; the CHECKs
are the last line, so that no sum can overflow 2^63 fen (PostgreSQL would fail the
request, SQLite silently store a float).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:30:00.000000
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

#: the bounds as of this revision (reconcile.money's constants may move; this may not)
MAX_AMOUNT_FEN = 100_000_000_000_000
MAX_TOTAL_FEN = 100_000_000_000_000_000
BUCKETS = ('received', 'held', 'pending', 'approved_unpaid', 'paid')


def upgrade() -> None:
    with op.batch_alter_table('ledger_accounts', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_ledger_accounts_buckets_bounded'),
            ' and '.join(f'{b} <= {MAX_TOTAL_FEN}' for b in BUCKETS),
        )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_ledger_entries_amount_bounded'),
            f'amount between -{MAX_AMOUNT_FEN} and {MAX_AMOUNT_FEN}',
        )
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_statement_lines_amount_bounded'), f'amount <= {MAX_AMOUNT_FEN}'
        )


def downgrade() -> None:
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_statement_lines_amount_bounded'), type_='check')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ledger_entries_amount_bounded'), type_='check')
    with op.batch_alter_table('ledger_accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ledger_accounts_buckets_bounded'), type_='check')
