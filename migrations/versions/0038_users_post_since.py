"""When a user's role, region or organization last changed: the notices from before are of
the old post and are no longer shown to them or sent. Empty for every user so far (their
notices all stay shown).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('post_since', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('post_since')
