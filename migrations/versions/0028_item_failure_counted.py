"""Which inspections the counts of items scored short hold: a finalization now adds its answers
to the counts and a correction takes the original's out, instead of recounting the county's
year. Filled here with the inspections the counts already hold.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'item_failure_counted',
        sa.Column('inspection_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                                name=op.f('fk_item_failure_counted_inspection_id_inspections'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('inspection_id', name=op.f('pk_item_failure_counted')),
    )
    op.execute(
        "INSERT INTO item_failure_counted (inspection_id) "
        "SELECT id FROM inspections WHERE status = 'finalized' AND scheduled_for IS NOT NULL "
        "AND id NOT IN (SELECT supersedes_id FROM inspections WHERE supersedes_id IS NOT NULL)")


def downgrade():
    op.drop_table('item_failure_counted')
