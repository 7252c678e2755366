"""An index of each inspector's inspections by submission time: their dashboard lists the
latest submitted, newest first, among a busy inspector's thousand.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05

"""
from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_inspector_submitted',
                              ['inspector_id', 'submitted_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_inspector_submitted')
