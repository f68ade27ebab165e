"""statement_imports: the count and sum of each import's lines by direction, kept;
statement_lines: an index on (account, status, direction, booked_on, id, amount)

The import history (对账单) summed every line of the imports it showed: 10 imports of
100,000 lines read a million rows for a page. The orphan queue (不明款) sorted every
orphan of an account for its first page and read each for its 合计; the index gives the
page in order and the 合计 from the index alone.

Revision ID: 0033
Revises: 0031
Create Date: 2026-12-07 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0031"
branch_labels = None
# after every migration of the statements' branch (0003 … 0017 and its heads), whose
# rebuilds of statement_lines (0013's status CHECK, …) would otherwise undo this one's
# change when both branches are upgraded from below them
depends_on = ("0018", "0021", "0022")

SUMS = {
    "credit_lines": ("count(*)", "credit"),
    "credits": ("coalesce(sum(amount), 0)", "credit"),
    "debit_lines": ("count(*)", "debit"),
    "debits": ("coalesce(sum(amount), 0)", "debit"),
}


def upgrade() -> None:
    for column in SUMS:
        kind = sa.Integer() if column.endswith("_lines") else sa.BigInteger()
        op.add_column("statement_imports", sa.Column(column, kind))
    # the imports stored before: summed once, here (names are this module's constants)
    sums = ", ".join(
        f"{column} = (SELECT {total} FROM statement_lines "  # noqa: S608
        f"WHERE statement_lines.statement_id = statement_imports.id "
        f"AND statement_lines.direction = '{direction}')"
        for column, (total, direction) in SUMS.items()
    )
    op.execute(f"UPDATE statement_imports SET {sums}")  # noqa: S608
    op.create_index(
        "ix_statement_lines_status_booked",
        "statement_lines",
        ["collection_account_id", "status", "direction", "booked_on", "id", "amount"],
    )


def downgrade() -> None:
    op.drop_index("ix_statement_lines_status_booked", table_name="statement_lines")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35 and later): a batch rebuild of the table
    # would drop it while the lines still refer to it
    for column in reversed(SUMS):
        op.drop_column("statement_imports", column)
