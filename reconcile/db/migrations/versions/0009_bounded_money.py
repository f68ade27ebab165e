"""money: every amount and every balance bounded far below BIGINT

A single amount holds at most 1 trillion yuan (10^14 fen), a balance at most 1
quadrillion yuan (10^17 fen). The service refuses beyond these with a 422; these
constraints are the last line, so that no sum can overflow 2^63 fen (PostgreSQL would
fail the request, SQLite silently store a float).

SQLite cannot add a CHECK without rebuilding the table, which the ledger's foreign keys
forbid while entries reference their ledger and each other: there, triggers of the same
names hold the bounds.

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

BOUNDS = {
    ('ledger_accounts', 'buckets_bounded'): [f'{b} <= {MAX_TOTAL_FEN}' for b in BUCKETS],
    ('ledger_entries', 'amount_bounded'): [
        f'amount between -{MAX_AMOUNT_FEN} and {MAX_AMOUNT_FEN}'
    ],
    ('statement_lines', 'amount_bounded'): [f'amount <= {MAX_AMOUNT_FEN}'],
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    for (table, name), conditions in BOUNDS.items():
        constraint = f'ck_{table}_{name}'
        if not _sqlite():
            op.create_check_constraint(op.f(constraint), table, ' and '.join(conditions))
            continue
        new = ' and '.join(f'NEW.{c}' for c in conditions)
        for event in ('INSERT', 'UPDATE'):
            op.execute(
                f'CREATE TRIGGER {constraint}_{event.lower()} BEFORE {event} ON {table}'
                f' WHEN NOT ({new})'
                f" BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {constraint}'); END"
            )


def downgrade() -> None:
    for (table, name) in BOUNDS:
        constraint = f'ck_{table}_{name}'
        if not _sqlite():
            op.drop_constraint(op.f(constraint), table, type_='check')
            continue
        for event in ('insert', 'update'):
            op.execute(f'DROP TRIGGER {constraint}_{event}')
