"""An index of each home's and contract's inspections in the order the inspection plan reads
them: by template and status, newest first (PostgreSQL: with what the plan
reads of each, so that it reads the index alone).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_inspections_history', 'inspections',
                    ['facility_id', 'contract_id', 'template_id', 'status',
                     sa.text('scheduled_for DESC'), 'id'],
                    unique=False, postgresql_include=['grade', 'total', 'failed_critical'])


def downgrade():
    op.drop_index('ix_inspections_history', table_name='inspections')
