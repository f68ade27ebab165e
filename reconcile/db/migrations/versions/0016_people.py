"""people: every API token and staff user belongs to a person; maker ≠ checker compares them

Each token and user from before gets its own person, named after it ("token:3",
"user:5"), so whoever could approve a request before still can, and whoever could not
still cannot.

On SQLite the two tables are rebuilt to make the column NOT NULL with its foreign key.
Dropping the old table checks the foreign keys of the rows that point at it
(api_token_courts; user_courts, staff_sessions): those are set aside meanwhile.

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-03 10:00:00.000000
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0010'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

#: credential table -> (the actor id's prefix, the tables whose rows point at it)
CREDENTIALS = {
    'api_tokens': ('token', ('api_token_courts',)),
    'users': ('user', ('user_courts', 'staff_sessions')),
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    op.create_table('people',
    sa.Column('id', Id, autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('name', name=op.f('uq_people_name'))
    )
    for table, (prefix, children) in CREDENTIALS.items():
        op.add_column(table, sa.Column('person_id', Id, nullable=True))
        op.execute(
            f"INSERT INTO people (name, created_at)"
            f" SELECT '{prefix}:' || id, created_at FROM {table} ORDER BY id"
        )
        op.execute(
            f"UPDATE {table} SET person_id = (SELECT p.id FROM people p"
            f" WHERE p.name = '{prefix}:' || {table}.id)"
        )
        with _altered(table, children) as batch_op:
            batch_op.alter_column('person_id', existing_type=Id, nullable=False)
            batch_op.create_foreign_key(
                op.f(f'fk_{table}_person_id_people'), 'people', ['person_id'], ['id']
            )


def downgrade() -> None:
    for table, (_prefix, children) in CREDENTIALS.items():
        with _altered(table, children) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_person_id_people'), type_='foreignkey')
            batch_op.drop_column('person_id')
    op.drop_table('people')


@contextmanager
def _altered(table: str, children: tuple[str, ...]):
    """Alter `table`: in place on PostgreSQL; rebuilt on SQLite, its children set aside."""
    if not _sqlite():
        with op.batch_alter_table(table) as batch_op:
            yield batch_op
        return
    for child in children:
        op.execute(f'CREATE TEMP TABLE aside_{child} AS SELECT * FROM {child}')
        op.execute(f'DELETE FROM {child}')
    with op.batch_alter_table(table, recreate='always') as batch_op:
        yield batch_op
    for child in children:
        op.execute(f'INSERT INTO {child} SELECT * FROM aside_{child}')
        op.execute(f'DROP TABLE aside_{child}')
