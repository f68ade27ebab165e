"""indexes for the reads beside the lists: refunds, unconfirmed payments, deadline alerts (#16)

With 100,000 payments in the books, three reads went through every payment of a status
or every payment in id order:
- `ix_disbursements_account_status` on (collection_account_id, status, id, paid_on,
  amount): the reconciliation's payments marked paid and not yet on a statement — the
  first ten in id order and the count and sum of them all — are a range of the account
  and status (90 ms on PostgreSQL: the primary key read in order, 73,000 rows filtered
  out), the sums from the index alone;
- `ix_disbursements_refunds` on (status, id) of the refunds alone (a partial index): the
  refunds finance still works on (不明款) are the few refunds, not every open payment
  (84 ms);
- `ix_disbursements_refund_of` on (refund_of_transaction_id): the rejected refunds of the
  orphans on a page are looked up by their lines (66 ms).
And `ix_alerts_court_kind_status` on (court, kind, status, id): 今日工作's open deadline
alerts, the oldest few of each kind, are a range, not a read of every open alert of the
court until a few of the kind turn up (50,000 orphan alerts at 1M lines: 14 ms a kind).

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-08 03:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

REFUNDS_ONLY = "kind = 'refund'"


def upgrade() -> None:
    op.create_index(
        "ix_disbursements_account_status",
        "disbursements",
        ["collection_account_id", "status", "id", "paid_on", "amount"],
    )
    op.create_index(
        "ix_disbursements_refunds",
        "disbursements",
        ["status", "id"],
        postgresql_where=sa.text(REFUNDS_ONLY),
        sqlite_where=sa.text(REFUNDS_ONLY),
    )
    op.create_index("ix_disbursements_refund_of", "disbursements", ["refund_of_transaction_id"])
    op.create_index("ix_alerts_court_kind_status", "alerts", ["court", "kind", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_court_kind_status", table_name="alerts")
    op.drop_index("ix_disbursements_refund_of", table_name="disbursements")
    op.drop_index("ix_disbursements_refunds", table_name="disbursements")
    op.drop_index("ix_disbursements_account_status", table_name="disbursements")
