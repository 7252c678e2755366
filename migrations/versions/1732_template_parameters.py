"""Template parameters: named values (the local heating standard's room temperature) that item
texts show as ``{key}``. Existing versions get none.

Revision ID: 1732
Revises: 1731
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '1732'
down_revision = '1731'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parameters', sa.JSON(), server_default=sa.text("'{}'"),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.drop_column('parameters')
