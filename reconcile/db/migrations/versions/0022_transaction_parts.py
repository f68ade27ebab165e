"""transaction parts and expected receipts: credits placed on cases by hand (split,
assign), and money a case waits for

Revision ID: 0022
Revises: 0017
Create Date: 2026-12-03 07:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0017"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "transaction_parts",
        sa.Column("id", Id, nullable=False),
        sa.Column("transaction_id", Id, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("case_entry_id", Id, nullable=False),
        sa.Column("suspense_entry_id", Id, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("placed_at", Timestamp, nullable=False),
        sa.Column("reversed_at", Timestamp, nullable=True),
        sa.Column("reversed_by", sa.String(length=200), nullable=True),
        sa.Column("reversal_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_transaction_parts_amount_positive")),
        sa.CheckConstraint(
            "amount <= 100000000000000", name=op.f("ck_transaction_parts_amount_bounded")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["statement_lines.id"],
            name=op.f("fk_transaction_parts_transaction_id_statement_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_transaction_parts_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["case_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_transaction_parts_case_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["suspense_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_transaction_parts_suspense_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transaction_parts")),
    )
    op.create_index("ix_transaction_parts_transaction", "transaction_parts", ["transaction_id"])
    op.create_index("ix_transaction_parts_case", "transaction_parts", ["case_id"])
    op.create_table(
        "expected_receipts",
        sa.Column("id", Id, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("payer_account", sa.String(length=64), nullable=True),
        sa.Column("expected_by", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("transaction_id", Id, nullable=True),
        sa.Column("received_at", Timestamp, nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_expected_receipts_amount_positive")),
        sa.CheckConstraint(
            "amount <= 100000000000000", name=op.f("ck_expected_receipts_amount_bounded")
        ),
        sa.CheckConstraint(
            "source in ('network_deduction', 'offline_deduction', 'auction', 'entrusted_court')",
            name=op.f("ck_expected_receipts_source"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_expected_receipts_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["statement_lines.id"],
            name=op.f("fk_expected_receipts_transaction_id_statement_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expected_receipts")),
    )
    op.create_index("ix_expected_receipts_case_id", "expected_receipts", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_expected_receipts_case_id", table_name="expected_receipts")
    op.drop_table("expected_receipts")
    op.drop_index("ix_transaction_parts_case", table_name="transaction_parts")
    op.drop_index("ix_transaction_parts_transaction", table_name="transaction_parts")
    op.drop_table("transaction_parts")
