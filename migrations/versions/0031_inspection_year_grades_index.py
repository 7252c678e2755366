"""An index of the inspections by status and day (PostgreSQL: with their region and grade), so
that the dashboard counts a year's grades per county from the index alone.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06

"""
from alembic import op


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_inspections_status_day', 'inspections', ['status', 'scheduled_for'],
                    unique=False, postgresql_include=['region_id', 'grade', 'id'])


def downgrade():
    op.drop_index('ix_inspections_status_day', table_name='inspections')
