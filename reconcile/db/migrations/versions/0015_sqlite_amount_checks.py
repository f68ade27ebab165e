"""money bounds on SQLite: CHECKs on ledger entries and statement lines, not triggers

Revision 0009 held the bounds of single amounts on SQLite with per-row triggers; an
import of 100,000 lines spent a fifth of its statement_lines insert running them. The
tables are rebuilt with the same CHECKs PostgreSQL has (SQLite evaluates a CHECK inline,
at no measurable cost), and the triggers go. The balance triggers on ledger_accounts
stay: that table is updated in place and referenced by every entry. PostgreSQL already
has the CHECKs.

Both get an index on ledger_entries.reverses_entry_id: "is this entry reversed?" is asked
by every arrival and void, and SQLite's rebuild drops the old table with a foreign-key
check per row against that column (without the index, hours for a million entries).

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 19:40:00.000000
"""

from alembic import op

revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None

#: the bounds as of this revision, as in 0009
MAX_AMOUNT_FEN = 100_000_000_000_000
BOUNDS = {
    'ledger_entries': f'amount between -{MAX_AMOUNT_FEN} and {MAX_AMOUNT_FEN}',
    'statement_lines': f'amount <= {MAX_AMOUNT_FEN}',
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    op.create_index(
        op.f('ix_ledger_entries_reverses_entry_id'), 'ledger_entries', ['reverses_entry_id']
    )
    if not _sqlite():
        return
    for table, condition in BOUNDS.items():
        constraint = f'ck_{table}_amount_bounded'
        for event in ('insert', 'update'):
            op.execute(f'DROP TRIGGER {constraint}_{event}')
        _rebuild_with_check(table, constraint, condition)


def downgrade() -> None:
    if _sqlite():
        for table, condition in BOUNDS.items():
            constraint = f'ck_{table}_amount_bounded'
            _rebuild_with_check(table, constraint, None)
            for event in ('INSERT', 'UPDATE'):
                op.execute(
                    f'CREATE TRIGGER {constraint}_{event.lower()} BEFORE {event} ON {table}'
                    f' WHEN NOT (NEW.{condition})'
                    f" BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {constraint}'); END"
                )
    op.drop_index(op.f('ix_ledger_entries_reverses_entry_id'), table_name='ledger_entries')


def _rebuild_with_check(table: str, constraint: str, condition: str | None) -> None:
    """Rebuild `table` on SQLite with the CHECK `constraint` added (condition) or removed
    (None), keeping its rows, indexes and foreign keys.

    statement_lines goes through alembic's batch rebuild. ledger_entries is rebuilt here:
    its corrections reference it, and dropping the old table checks each deleted row
    against every table that references it, the new one included, which has no index on
    reverses_entry_id until batch has finished (hours for a million entries). So the new
    table gets that index before the drop, and the links are set aside meanwhile (an entry
    deleted while a correction still points at it would fail the drop)."""
    if table != 'ledger_entries':
        with op.batch_alter_table(table, recreate='always') as batch_op:
            if condition is None:
                batch_op.drop_constraint(op.f(constraint), type_='check')
            else:
                batch_op.create_check_constraint(op.f(constraint), condition)
        return
    bind = op.get_bind()
    ddl = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ledger_entries'"
    ).scalar_one()
    indexes = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_entries'"
        " AND sql IS NOT NULL"
    ).scalars().all()
    body = ddl[ddl.index('(') + 1 : ddl.rindex(')')]
    clauses = [c for c in _split_clauses(body) if f'CONSTRAINT {constraint} ' not in c]
    if condition is not None:
        clauses.append(f'CONSTRAINT {constraint} CHECK ({condition})')
    columns = ', '.join(
        row[1] for row in bind.exec_driver_sql('PRAGMA table_info(ledger_entries)')
    )
    op.execute('CREATE TEMP TABLE reversal_links AS SELECT id, reverses_entry_id'
               ' FROM ledger_entries WHERE reverses_entry_id IS NOT NULL')
    op.execute('UPDATE ledger_entries SET reverses_entry_id = NULL'
               ' WHERE reverses_entry_id IS NOT NULL')
    op.execute('CREATE TABLE ledger_entries_rebuilt (' + ',\n'.join(clauses) + '\n)')
    op.execute(f'INSERT INTO ledger_entries_rebuilt ({columns})'  # noqa: S608 (column names)
               f' SELECT {columns} FROM ledger_entries')
    op.execute('CREATE INDEX ix_rebuilt_reverses ON ledger_entries_rebuilt (reverses_entry_id)')
    op.execute('DROP TABLE ledger_entries')
    op.execute('ALTER TABLE ledger_entries_rebuilt RENAME TO ledger_entries')
    op.execute('DROP INDEX ix_rebuilt_reverses')
    for index in indexes:
        op.execute(index)
    op.execute('UPDATE ledger_entries SET reverses_entry_id = (SELECT l.reverses_entry_id'
               ' FROM reversal_links l WHERE l.id = ledger_entries.id)'
               ' WHERE id IN (SELECT id FROM reversal_links)')
    op.execute('DROP TABLE reversal_links')


def _split_clauses(body: str) -> list[str]:
    """Split a CREATE TABLE body at its top-level commas."""
    clauses, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(body):
        if char == "'":
            quoted = not quoted
        elif not quoted and char == '(':
            depth += 1
        elif not quoted and char == ')':
            depth -= 1
        elif not quoted and depth == 0 and char == ',':
            clauses.append(body[start:i].strip())
            start = i + 1
    clauses.append(body[start:].strip())
    return [c for c in clauses if c]
