"""disbursements: indexes for the lists of payments (#20)

- `ix_disbursements_court_status` on (court_id, status, id, amount, kind, requested_at):
  a status tab of 付款记录 and the approvals queue (status requested) are a range read in
  id order, not a sort of every payment of that status (80,000 paid sorted for a page of
  50: 249–348 ms at 100,000 payments); the 合计 and the tab counts of any filters are read
  from the index alone;
- `ix_disbursements_court_id` on (court_id, id): every payment of the court, newest first
  (the list's default), without a sort of all of them;
- `ix_disbursements_court_amount` on (court_id, amount DESC, id): `sort=largest` (the
  largest first, the oldest first within one amount) is a range read, not a sort of every
  payment of the court (314–370 ms).

Revision ID: 0035
Revises: 0032
Create Date: 2026-12-07 23:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0032"
branch_labels = None
# the other migrations that alter disbursements (0020 the review columns, 0030 the shares
# that refer to it): before this one, whichever order the branches are upgraded in
depends_on = ("0020", "0030")


def upgrade() -> None:
    op.create_index(
        "ix_disbursements_court_status",
        "disbursements",
        ["court_id", "status", "id", "amount", "kind", "requested_at"],
    )
    op.create_index("ix_disbursements_court_id", "disbursements", ["court_id", "id"])
    op.create_index(
        "ix_disbursements_court_amount",
        "disbursements",
        ["court_id", sa.text("amount DESC"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_disbursements_court_amount", table_name="disbursements")
    op.drop_index("ix_disbursements_court_id", table_name="disbursements")
    op.drop_index("ix_disbursements_court_status", table_name="disbursements")
