"""statement lines: one key to their statement and its account

A line's (statement_id, collection_account_id) references the statement's (id,
collection_account_id), replacing the two single-column keys: a line cannot name an
account other than its statement's, and one reference is checked per line, not two.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-27 14:30:00.000000
"""

from alembic import op

revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'uq_statement_imports_account',
        'statement_imports',
        ['id', 'collection_account_id'],
        unique=True,
    )
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.drop_constraint(
            'fk_statement_lines_collection_account_id_collection_accounts', type_='foreignkey'
        )
        batch_op.drop_constraint(
            'fk_statement_lines_statement_id_statement_imports', type_='foreignkey'
        )
        batch_op.create_foreign_key(
            'fk_statement_lines_statement_id_statement_imports',
            'statement_imports',
            ['statement_id', 'collection_account_id'],
            ['id', 'collection_account_id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.drop_constraint(
            'fk_statement_lines_statement_id_statement_imports', type_='foreignkey'
        )
        batch_op.create_foreign_key(
            'fk_statement_lines_statement_id_statement_imports',
            'statement_imports',
            ['statement_id'],
            ['id'],
        )
        batch_op.create_foreign_key(
            'fk_statement_lines_collection_account_id_collection_accounts',
            'collection_accounts',
            ['collection_account_id'],
            ['id'],
        )
    op.drop_index('uq_statement_imports_account', table_name='statement_imports')
