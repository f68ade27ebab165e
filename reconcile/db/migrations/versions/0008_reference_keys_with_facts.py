"""statement lines: a bank reference identifies a line only with its day and amount

Banks reuse references (per-day serials): a line keyed by direction and reference alone
made a later, different line with the same reference look like a duplicate, and it was
dropped. The dedupe key of a referenced line now carries the booking day and the amount
as well. Existing keys are rewritten to the new form, numbered again where several
lines share one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _rekey(base_sql: str) -> None:
    op.execute(sa.text(
        "UPDATE statement_lines SET dedupe_key = k.new_key FROM ("
        f" SELECT id, {base_sql} || '#' || CAST(row_number() OVER ("
        f"  PARTITION BY collection_account_id, {base_sql} ORDER BY id) AS VARCHAR) AS new_key"
        " FROM statement_lines WHERE dedupe_key LIKE 'ref:%'"
        ") AS k WHERE statement_lines.id = k.id"
    ))


def upgrade() -> None:
    _rekey(
        "substr('ref:' || direction || ':' || CAST(booked_on AS VARCHAR) || ':' ||"
        " CAST(amount AS VARCHAR) || ':' || trim(bank_reference), 1, 150)"
    )


def downgrade() -> None:
    _rekey("substr('ref:' || direction || ':' || trim(bank_reference), 1, 150)")
