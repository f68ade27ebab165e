"""audit: a keyed chain from the next record on, and signed checkpoints for the desk

Records already written keep their plain SHA-256 hashes: keying starts with the next
record (audit_head.keyed_from). Deliveries may carry a checkpoint (topic 'checkpoint');
SQLite rebuilds the deliveries table for the new CHECKs (nothing references it).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-02 19:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0011'
branch_labels = None
depends_on = None


OLD_TOPICS = "topic in ('alert', 'case_event')"
OLD_ONE_SUBJECT = (
    "(topic = 'alert' and alert_id is not null and case_event_id is null)"
    " or (topic = 'case_event' and case_event_id is not null and alert_id is null)"
)
TOPICS = "topic in ('alert', 'case_event', 'checkpoint')"
ONE_SUBJECT = (
    "(topic = 'alert' and alert_id is not null and case_event_id is null"
    " and checkpoint_number is null)"
    " or (topic = 'case_event' and case_event_id is not null and alert_id is null"
    " and checkpoint_number is null)"
    " or (topic = 'checkpoint' and checkpoint_number is not null and alert_id is null"
    " and case_event_id is null)"
)


def _subjects(topics: str, one_subject: str, *, with_checkpoint: bool) -> None:
    with op.batch_alter_table('deliveries', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_deliveries_topic'), type_='check')
        batch_op.drop_constraint(op.f('ck_deliveries_one_subject'), type_='check')
        if with_checkpoint:
            batch_op.add_column(sa.Column('checkpoint_number', sa.BigInteger(), nullable=True))
            batch_op.create_unique_constraint(
                op.f('uq_deliveries_checkpoint_number'), ['checkpoint_number']
            )
            batch_op.create_foreign_key(
                op.f('fk_deliveries_checkpoint_number_audit_checkpoints'),
                'audit_checkpoints', ['checkpoint_number'], ['number'],
            )
        else:
            batch_op.drop_constraint(
                op.f('fk_deliveries_checkpoint_number_audit_checkpoints'), type_='foreignkey'
            )
            batch_op.drop_constraint(op.f('uq_deliveries_checkpoint_number'), type_='unique')
            batch_op.drop_column('checkpoint_number')
        batch_op.create_check_constraint(op.f('ck_deliveries_topic'), topics)
        batch_op.create_check_constraint(op.f('ck_deliveries_one_subject'), one_subject)


def upgrade() -> None:
    with op.batch_alter_table('audit_head') as batch_op:
        batch_op.add_column(
            sa.Column('keyed_from', sa.BigInteger(), server_default='1', nullable=False)
        )
    op.execute('UPDATE audit_head SET keyed_from = seq + 1')
    op.create_table('audit_checkpoints',
    sa.Column('number', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_audit_checkpoints'))
    )
    _subjects(TOPICS, ONE_SUBJECT, with_checkpoint=True)


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE topic = 'checkpoint'")
    _subjects(OLD_TOPICS, OLD_ONE_SUBJECT, with_checkpoint=False)
    op.drop_table('audit_checkpoints')
    with op.batch_alter_table('audit_head') as batch_op:
        batch_op.drop_column('keyed_from')
