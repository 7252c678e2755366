"""A provider's inspections by status and day, newest first: the provider's inspection list
(HTML and API) and the export page's template choices read it instead of walking the status
index (the busiest provider of a city: 26 ms and 45 ms → under 2 ms). It starts with the
provider, so it replaces the provider's own index.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06

"""
from alembic import op


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_inspections_provider_day', 'inspections',
                    ['provider_id', 'status', 'scheduled_for', 'id'], unique=False)
    op.drop_index('ix_inspections_provider_id', table_name='inspections')


def downgrade():
    op.create_index('ix_inspections_provider_id', 'inspections', ['provider_id'], unique=False)
    op.drop_index('ix_inspections_provider_day', table_name='inspections')
