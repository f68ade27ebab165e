"""alerts: the notes the service writes, as a message to say in the reader's language

When the service closes an alert itself (the orphan was assigned, the payment confirmed),
its note was an English sentence. `acknowledge_note_said` and `resolve_note_said` keep the
note's template and facts ({"template", "facts"}), so the pages and the API say it in the
reader's language; the `_note` columns keep the English, and people's own notes stay there
alone.

Revision ID: 0037
Revises: 0034
Create Date: 2026-12-07 23:55:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0034"
branch_labels = None
depends_on = ("0027",)

COLUMNS = ("acknowledge_note_said", "resolve_note_said")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("alerts", sa.Column(name, sa.JSON()))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN, on both databases: a batch copy of the table would drop
    # `alerts`, which deliveries reference
    for name in COLUMNS:
        op.execute(f"ALTER TABLE alerts DROP COLUMN {name}")
