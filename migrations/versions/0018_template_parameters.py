"""Template parameters: named values (the local heating standard's room temperature) that item
texts show as ``{key}``. Existing versions get none.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parameters', sa.JSON(), server_default=sa.text("'{}'"),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.drop_column('parameters')
