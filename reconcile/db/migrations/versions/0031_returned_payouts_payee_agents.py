"""returned payouts (退汇) and payee agents (#17)

- `disbursements`: status `bounced` (the bank sent the paid money back), `returned_on`
  (the booking day of the credit that brought it back) and `return_transaction_id`;
- `ledger_entries`: kind `payment_returned` (a returned payout's credit and its payment
  taken back, each reversing the entry it undoes);
- `party_accounts`, `payee_account_changes`: `agent_name` and `authorisation_document`
  (特别授权) of an agent's account.

Widening a status CHECK on SQLite: both tables are referenced by foreign keys, so a batch
rebuild (copy, drop, rename) would fail on a database with rows. SQLite documents editing
the stored CREATE TABLE text for exactly this (https://www.sqlite.org/lang_altertable.html,
"making other kinds of table schema changes"): admitting one more value can invalidate
no existing row.

Revision ID: 0031
Revises: 0026
Create Date: 2026-12-03 12:00:00.000000
"""

import re

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0026'
branch_labels = None
depends_on = ('0007', '0020')  # the ledger's entry kinds (0007); disbursements as reviewed (0020)

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

#: (table, column, the value this revision admits)
WIDENED = (('disbursements', 'status', 'bounced'), ('ledger_entries', 'kind', 'payment_returned'))
AGENT_TABLES = ('party_accounts', 'payee_account_changes')


def upgrade() -> None:
    op.add_column('disbursements', sa.Column('returned_on', sa.Date()))
    op.add_column('disbursements', sa.Column('return_transaction_id', Id))
    for table in AGENT_TABLES:
        op.add_column(table, sa.Column('agent_name', sa.String(200)))
        op.add_column(table, sa.Column('authorisation_document', sa.String(200)))
    for table, column, value in WIDENED:
        _change_check(table, column, lambda values, v=value: [*values, v])


def downgrade() -> None:
    bind = op.get_bind()
    returned = "SELECT count(*) FROM ledger_entries WHERE kind = 'payment_returned'"
    if bind.execute(sa.text(returned)).scalar():
        raise RuntimeError('returned payouts are on the books: the append-only ledger keeps them')
    op.execute("UPDATE disbursements SET status = 'paid' WHERE status = 'bounced'")
    for table, column, value in WIDENED:
        _change_check(table, column, lambda values, v=value: [x for x in values if x != v])
    for table in AGENT_TABLES:
        op.execute(f'ALTER TABLE {table} DROP COLUMN authorisation_document')
        op.execute(f'ALTER TABLE {table} DROP COLUMN agent_name')
    op.execute('ALTER TABLE disbursements DROP COLUMN return_transaction_id')
    op.execute('ALTER TABLE disbursements DROP COLUMN returned_on')


def _in(column: str, values: list[str]) -> str:
    return f'{column} in (' + ', '.join(f"'{v}'" for v in values) + ')'


def _change_check(table: str, column: str, change) -> None:
    """Replace the CHECK `ck_<table>_<column>` (`column in (...)`) by `change(values)`."""
    bind = op.get_bind()
    name = f'ck_{table}_{column}'
    if bind.dialect.name != 'sqlite':
        current = bind.execute(
            sa.text('SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :n'),
            {'n': name},
        ).scalar_one()
        op.drop_constraint(op.f(name), table, type_='check')
        op.create_check_constraint(op.f(name), table, _in(column, change(_values(current))))
        return
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {'t': table}
    ).scalar_one()
    pattern = re.compile(rf'(CONSTRAINT {name} CHECK \()([^()]*\([^()]*\))(\))')
    found = pattern.search(sql)
    if found is None:
        raise RuntimeError(f'{table}: no CHECK {name} of the expected form')
    check = _in(column, change(_values(found.group(2))))
    new_sql = sql[: found.start(2)] + check + sql[found.end(2) :]
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar_one()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :s WHERE type = 'table' AND name = :t"),
        {'s': new_sql, 't': table},
    )
    bind.exec_driver_sql(f'PRAGMA schema_version = {version + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def _values(check: str) -> list[str]:
    """The quoted values of a CHECK text `... in ('a', 'b')`, in order."""
    return re.findall(r"'([^']*)'", check)
