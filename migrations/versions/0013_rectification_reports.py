"""Rectification reports (整改报告): the cause, the person responsible and the day completed on a
corrective action's answer; before/after photos among its attachments.

Existing answers keep their text as the measures taken; their new fields stay empty, and
existing attachments are evidence.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('evidence', 'before', 'after', name='attachment_kind', native_enum=False, create_constraint=True, length=16), server_default='evidence', nullable=False))

    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cause', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('responsible_person', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_column('completed_on')
        batch_op.drop_column('responsible_person')
        batch_op.drop_column('cause')

    with op.batch_alter_table('action_attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_action_attachments_attachment_kind'), type_='check')
        batch_op.drop_column('kind')
