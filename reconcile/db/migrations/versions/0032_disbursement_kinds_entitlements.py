"""disbursement kinds and per-applicant entitlements (#17)

- `parties`: `amount_due` (an applicant's own entitlement, fen) and `claim_order` (its rank
  for an `order` distribution plan), both nullable;
- `disbursements`: `party_id` (a payment's applicant: the payee account's party, filled in
  for the payments already made), `document_reference` (the court document ordering it);
  `kind` widened to String(20) and its CHECK to `fee`, `respondent_refund`, `escrow`,
  `court_transfer`; the CHECK `owner` lets every kind but `refund` belong to a case.

On SQLite the CHECKs and the column type are changed by editing the stored CREATE TABLE
text, as 0031 does (disbursements is referenced by foreign keys: no batch rebuild); on
PostgreSQL the constraints are dropped and created again.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 01:00:00.000000
"""

import re

import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

NEW_KINDS = ('fee', 'respondent_refund', 'escrow', 'court_transfer')
OWNER_OLD = (
    "(kind = 'payment' and case_id is not null) or "
    "(kind = 'refund' and refund_of_transaction_id is not null)"
)
OWNER_NEW = (
    "(kind <> 'refund' and case_id is not null) or "
    "(kind = 'refund' and refund_of_transaction_id is not null)"
)


def upgrade() -> None:
    op.add_column('parties', sa.Column('amount_due', sa.BigInteger()))
    op.add_column('parties', sa.Column('claim_order', sa.Integer()))
    op.add_column('disbursements', sa.Column('party_id', Id))
    op.add_column('disbursements', sa.Column('document_reference', sa.String(200)))
    op.execute(
        'UPDATE disbursements SET party_id = (SELECT min(pa.party_id) FROM party_accounts pa '
        'WHERE pa.case_id = disbursements.case_id AND pa.kind = \'payee\' '
        'AND pa.account_number = disbursements.payee_account_number) '
        "WHERE kind = 'payment'"
    )
    _kind_length(20)
    _change_check('disbursements', 'kind', lambda values: [*values, *NEW_KINDS])
    _replace_check('disbursements', 'owner', OWNER_OLD, OWNER_NEW)


def downgrade() -> None:
    bind = op.get_bind()
    kinds = ', '.join(f"'{k}'" for k in NEW_KINDS)
    if bind.execute(sa.text(f'SELECT count(*) FROM disbursements WHERE kind IN ({kinds})')).scalar():
        raise RuntimeError('disbursements of the new kinds are on the books: they stay')
    _replace_check('disbursements', 'owner', OWNER_NEW, OWNER_OLD)
    _change_check('disbursements', 'kind', lambda values: [v for v in values if v not in NEW_KINDS])
    _kind_length(8)
    op.execute('ALTER TABLE disbursements DROP COLUMN document_reference')
    op.execute('ALTER TABLE disbursements DROP COLUMN party_id')
    op.execute('ALTER TABLE parties DROP COLUMN claim_order')
    op.execute('ALTER TABLE parties DROP COLUMN amount_due')


def _kind_length(length: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.alter_column('disbursements', 'kind', type_=sa.String(length), existing_nullable=False)
        return
    _edit_sqlite_sql(
        'disbursements',
        lambda sql: re.sub(r'(\bkind VARCHAR\()\d+(\))', rf'\g<1>{length}\g<2>', sql, count=1),
    )


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

    def edit(sql: str) -> str:
        pattern = re.compile(rf'(CONSTRAINT {name} CHECK \()([^()]*\([^()]*\))(\))')
        found = pattern.search(sql)
        if found is None:
            raise RuntimeError(f'{table}: no CHECK {name} of the expected form')
        check = _in(column, change(_values(found.group(2))))
        return sql[: found.start(2)] + check + sql[found.end(2) :]

    _edit_sqlite_sql(table, edit)


def _replace_check(table: str, short: str, old: str, new: str) -> None:
    """Replace the CHECK `ck_<table>_<short>` whose text is `old` by `new`."""
    bind = op.get_bind()
    name = f'ck_{table}_{short}'
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f(name), table, type_='check')
        op.create_check_constraint(op.f(name), table, new)
        return

    def edit(sql: str) -> str:
        if old not in sql:
            raise RuntimeError(f'{table}: no CHECK {name} of the expected form')
        return sql.replace(old, new, 1)

    _edit_sqlite_sql(table, edit)


def _edit_sqlite_sql(table: str, edit) -> None:
    """Rewrite a SQLite table's stored CREATE TABLE text (lang_altertable.html, as 0031)."""
    bind = op.get_bind()
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {'t': table}
    ).scalar_one()
    new_sql = edit(sql)
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
