"""Login throttling per (account, address) pair: throttled tries are marked, and the pair's
tries are found by one index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('throttled', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_index('ix_login_attempts_pair', ['email', 'ip_address', 'at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_pair')
        batch_op.drop_column('throttled')
