"""Providers and homes are written under an optimistic lock, as contracts are: two officers
editing one provider (or home) at once both saved, and the second silently overwrote the
first's change. Every row starts at revision 1.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('providers', 'facilities'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('revision', sa.Integer(), server_default=sa.text('1'),
                                          nullable=False))


def downgrade():
    for table in ('providers', 'facilities'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('revision')
