"""statement lines and ledger entries: CHECKs from their Enums; corrections linked

A statement line's status and a ledger entry's kind may hold only the members of
`LineStatus` and `EntryKind`. Corrections posted before this revision are linked to the
entries they reverse (`reverses_entry_id`), as every new one is: an assignment taken back
to the placement it undoes, a hold release to its placement.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

#: the values as of this revision (an Enum imported from the code would move with it)
LINE_STATUSES = ('matched', 'orphan', 'refunding', 'refunded', 'reconciled', 'flagged')
ENTRY_KINDS = (
    'credit', 'orphan_credit', 'orphan_assigned', 'assignment_reversed', 'hold_placed',
    'hold_released', 'disbursement_requested', 'disbursement_approved',
    'disbursement_rejected', 'disbursement_marked_paid', 'disbursement_paid',
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_statement_lines_status'), _in('status', LINE_STATUSES))
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_ledger_entries_kind'), _in('kind', ENTRY_KINDS))
    _link_corrections()


def _link_corrections() -> None:
    # the newest earlier entry of the opposite sign for the same line on the same ledger
    op.execute(sa.text(
        "UPDATE ledger_entries SET reverses_entry_id = ("
        " SELECT max(o.id) FROM ledger_entries o"
        " WHERE o.ledger_account_id = ledger_entries.ledger_account_id"
        " AND o.transaction_id = ledger_entries.transaction_id"
        " AND o.bucket = 'received' AND o.id < ledger_entries.id"
        " AND o.kind IN ('credit', 'orphan_assigned')"
        " AND (o.amount > 0) <> (ledger_entries.amount > 0))"
        " WHERE kind = 'assignment_reversed' AND reverses_entry_id IS NULL"
    ))
    op.execute(sa.text(
        "UPDATE ledger_entries SET reverses_entry_id = ("
        " SELECT max(o.id) FROM ledger_entries o"
        " WHERE o.ledger_account_id = ledger_entries.ledger_account_id"
        " AND o.hold_id = ledger_entries.hold_id AND o.kind = 'hold_placed')"
        " WHERE kind = 'hold_released' AND reverses_entry_id IS NULL"
    ))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite rebuilds the table, and cannot drop rows that reference each other:
        # back before this revision, no correction was linked.
        op.execute(sa.text("UPDATE ledger_entries SET reverses_entry_id = NULL"))
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ledger_entries_kind'), type_='check')
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_statement_lines_status'), type_='check')
