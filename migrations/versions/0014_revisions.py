"""Optimistic locks: a revision on contracts, submissions and assessment templates, +1 on every
stored change; an UPDATE matches only the revision its writer read.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ('contracts', 'submissions', 'assessment_templates')


def upgrade():
    # existing rows start at revision 1, like new ones
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('revision', sa.Integer(), server_default=sa.text('1'),
                                          nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('revision')
