"""An index of the open inspections by day: the dashboards list the few scheduled or started
ones among a city's 60,000 finalized ones.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('scheduled', 'in_progress')")


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_open_day', ['scheduled_for'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_open_day', postgresql_where=OPEN, sqlite_where=OPEN)
