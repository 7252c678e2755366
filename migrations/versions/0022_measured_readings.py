"""Measured readings: a template item names the parameters that score a measured value, and an
inspection answer stores the value (a room temperature). Existing rows get none.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('template_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading', sa.JSON(), nullable=True))
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading', sa.Numeric(6, 1), nullable=True))


def downgrade():
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.drop_column('reading')
    with op.batch_alter_table('template_items', schema=None) as batch_op:
        batch_op.drop_column('reading')
