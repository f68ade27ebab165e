'''statement voids: a wrong import taken back, through approval, and its file freed

`statement_voids` holds the requests. A statement line may be `void`; a voided import and
its void lines give up their dedupe keys (kept in `voided_file_sha256` and `voided_key`)
so that the same file, or its lines, may be imported again.

SQLite rebuilds `statement_lines` to change its status CHECK; the rebuild drops the
triggers revision 0009 put in place of a CHECK there, so they are made again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00.000000
'''

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

#: the values as of this revision (an Enum imported from the code would move with it)
LINE_STATUSES = ('matched', 'orphan', 'refunding', 'refunded', 'reconciled', 'flagged')
VOID_STATUSES = ('requested', 'approved', 'rejected')
MAX_AMOUNT_FEN = 100_000_000_000_000
BOUND = 'ck_statement_lines_amount_bounded'


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    op.create_table(
        'statement_voids',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column(
            'statement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False
        ),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('levels_required', sa.Integer(), nullable=False),
        sa.Column('approvals_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('requested_by_id', sa.String(length=64), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.CheckConstraint(_in('status', VOID_STATUSES), name=op.f('ck_statement_voids_status')),
        sa.ForeignKeyConstraint(
            ['statement_id'],
            ['statement_imports.id'],
            name=op.f('fk_statement_voids_statement_id_statement_imports'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_voids')),
    )
    op.create_index(
        op.f('ix_statement_voids_statement_id'), 'statement_voids', ['statement_id'], unique=False
    )
    op.add_column('statement_imports', sa.Column('voided_at', sa.DateTime(timezone=True)))
    op.add_column('statement_imports', sa.Column('voided_file_sha256', sa.String(length=64)))
    _lines_check((*LINE_STATUSES, 'void'), add_key=True)


def downgrade() -> None:
    _lines_check(LINE_STATUSES, add_key=False)
    # not rebuilt on SQLite: its lines reference it (ALTER TABLE … DROP COLUMN, 3.35+)
    op.drop_column('statement_imports', 'voided_file_sha256')
    op.drop_column('statement_imports', 'voided_at')
    op.drop_index(op.f('ix_statement_voids_statement_id'), table_name='statement_voids')
    op.drop_table('statement_voids')


def _lines_check(statuses: tuple[str, ...], *, add_key: bool) -> None:
    if not add_key:  # back before voids, a void line is shown as needing attention
        op.execute(
            "UPDATE statement_lines SET status = 'flagged'"
            " WHERE status = 'void' AND direction = 'debit'"
        )
        op.execute("UPDATE statement_lines SET status = 'orphan' WHERE status = 'void'")
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_statement_lines_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_statement_lines_status'), _in('status', statuses))
        if add_key:
            batch_op.add_column(sa.Column('voided_key', sa.String(length=160)))
        else:
            batch_op.drop_column('voided_key')
    if _sqlite():
        _bound_triggers()


def _bound_triggers() -> None:
    for event in ('INSERT', 'UPDATE'):
        op.execute(f'DROP TRIGGER IF EXISTS {BOUND}_{event.lower()}')
        op.execute(
            f'CREATE TRIGGER {BOUND}_{event.lower()} BEFORE {event} ON statement_lines'
            f' WHEN NOT (NEW.amount <= {MAX_AMOUNT_FEN})'
            f" BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {BOUND}'); END"
        )
