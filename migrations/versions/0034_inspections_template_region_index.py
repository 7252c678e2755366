"""The inspections' template index also by region, so that a template version's use in a region
is one probe (the export page's template choices read every inspection).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06

"""
from alembic import op


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_inspections_template_region', 'inspections',
                    ['template_id', 'region_id'], unique=False)
    op.drop_index('ix_inspections_template_id', table_name='inspections')


def downgrade():
    op.create_index('ix_inspections_template_id', 'inspections', ['template_id'], unique=False)
    op.drop_index('ix_inspections_template_region', table_name='inspections')
