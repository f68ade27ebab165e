'''positions, finance review and payment files (#21)

- `people.position`: the post a person holds; approval levels name positions.
- `disbursements`: the positions its levels name, whether finance reviews it, the
  review, the returned request it asks for again; statuses `in_review` and `returned`.
- `approvals.approver_position`: the approver's position when deciding.
- `payment_batches`, `payment_batch_items`: payment files exported for online banking,
  a payment in one batch at most.

Payments requested before keep their flow: no positions, no finance review.
SQLite rebuilds `disbursements` to change its status CHECK (nothing references it).

Revision ID: 0020
Revises: 0004 (payments), and needs 0016 (people)
Create Date: 2026-12-03 12:00:00.000000
'''

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0004'
branch_labels = None
depends_on = ('0016',)

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Timestamp = sa.DateTime(timezone=True)

#: the values as of this revision
STATUSES = ('requested', 'approved', 'rejected', 'marked_paid', 'paid')
NEW_STATUSES = ('requested', 'in_review', 'approved', 'rejected', 'returned', 'marked_paid', 'paid')


def _in(values: tuple[str, ...]) -> str:
    return 'status in (' + ', '.join(f"'{v}'" for v in values) + ')'


def upgrade() -> None:
    op.add_column('people', sa.Column('position', sa.String(length=32), nullable=True))
    op.add_column(
        'approvals', sa.Column('approver_position', sa.String(length=32), nullable=True)
    )
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level_positions', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('review_required', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', Timestamp, nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('resubmission_of', Id, nullable=True))
        batch_op.create_foreign_key(
            op.f('fk_disbursements_resubmission_of_disbursements'),
            'disbursements',
            ['resubmission_of'],
            ['id'],
        )
        batch_op.create_unique_constraint(
            op.f('uq_disbursements_resubmission_of'), ['resubmission_of']
        )
        batch_op.drop_constraint(op.f('ck_disbursements_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disbursements_status'), _in(NEW_STATUSES))
    op.create_table(
        'payment_batches',
        sa.Column('id', Id, autoincrement=True, nullable=False),
        sa.Column('court_id', Id, nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_by_id', sa.String(length=64), nullable=False),
        sa.Column('created_at', Timestamp, nullable=False),
        sa.Column('payment_count', sa.Integer(), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('csv', sa.LargeBinary(), nullable=False),
        sa.Column('xlsx', sa.LargeBinary(), nullable=False),
        sa.Column('pain001', sa.LargeBinary(), nullable=False),
        sa.Column('digests', sa.JSON(), nullable=False),
        sa.CheckConstraint(
            'payment_count > 0 and total > 0', name=op.f('ck_payment_batches_content')
        ),
        sa.ForeignKeyConstraint(
            ['court_id'], ['courts.id'], name=op.f('fk_payment_batches_court_id_courts')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batches')),
    )
    op.create_index(
        op.f('ix_payment_batches_court_id'), 'payment_batches', ['court_id'], unique=False
    )
    op.create_table(
        'payment_batch_items',
        sa.Column('batch_id', Id, nullable=False),
        sa.Column('disbursement_id', Id, nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['batch_id'],
            ['payment_batches.id'],
            name=op.f('fk_payment_batch_items_batch_id_payment_batches'),
        ),
        sa.ForeignKeyConstraint(
            ['disbursement_id'],
            ['disbursements.id'],
            name=op.f('fk_payment_batch_items_disbursement_id_disbursements'),
        ),
        sa.PrimaryKeyConstraint('batch_id', 'disbursement_id', name=op.f('pk_payment_batch_items')),
        sa.UniqueConstraint('disbursement_id', name='uq_payment_batch_items_disbursement'),
    )


def downgrade() -> None:
    op.drop_table('payment_batch_items')
    op.drop_index(op.f('ix_payment_batches_court_id'), table_name='payment_batches')
    op.drop_table('payment_batches')
    # back before finance review: what awaits review is approved by its levels; a
    # returned request is as a rejected one
    op.execute("UPDATE disbursements SET status = 'rejected' WHERE status = 'returned'")
    op.execute("UPDATE disbursements SET status = 'requested' WHERE status = 'in_review'")
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_disbursements_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_disbursements_status'), _in(STATUSES))
        batch_op.drop_constraint(op.f('uq_disbursements_resubmission_of'), type_='unique')
        batch_op.drop_constraint(
            op.f('fk_disbursements_resubmission_of_disbursements'), type_='foreignkey'
        )
        for column in (
            'resubmission_of',
            'review_note',
            'reviewed_at',
            'reviewed_by_id',
            'reviewed_by',
            'review_required',
            'level_positions',
        ):
            batch_op.drop_column(column)
    op.drop_column('approvals', 'approver_position')
    op.drop_column('people', 'position')
