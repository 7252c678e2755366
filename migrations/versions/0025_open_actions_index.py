"""An index of the corrective actions not closed, by deadline: the dashboards count the
overdue ones among a city's thousands of closed ones.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

NOT_CLOSED = sa.text("status <> 'closed'")


def upgrade():
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index('ix_corrective_actions_open_deadline', ['deadline'], unique=False,
                              postgresql_where=NOT_CLOSED, sqlite_where=NOT_CLOSED)


def downgrade():
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_actions_open_deadline',
                            postgresql_where=NOT_CLOSED, sqlite_where=NOT_CLOSED)
