"""How often each item was scored short, per year and region (the officer dashboard's items
most often failed), and the indexes the dashboards and lists read at a city's scale. The
counts of an existing database come from `flask reports refresh-performance` (or that night's
run).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'item_failure_counts',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('template_code', sa.String(length=40), nullable=False),
        sa.Column('item_key', sa.String(length=60), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('applicable', sa.Integer(), nullable=False),
        sa.Column('last_item_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'],
                                name=op.f('fk_item_failure_counts_region_id_regions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('year', 'region_id', 'template_code', 'item_key',
                                name=op.f('pk_item_failure_counts')),
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_inspector_day', ['inspector_id', 'scheduled_for'],
                              unique=False)
        batch_op.create_index('ix_inspections_region_day', ['region_id', 'scheduled_for'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_region_day')
        batch_op.drop_index('ix_inspections_inspector_day')
    op.drop_table('item_failure_counts')
