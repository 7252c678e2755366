"""The anomaly flags of household records, kept so that the city's anomaly list reads an index.
The flags of an existing database come from `flask households refresh-flags` (or that night's
run).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'household_flags',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('survey_date', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_household_flags_contract_id_contracts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['record_id'], ['household_records.id'],
                                name=op.f('fk_household_flags_record_id_household_records'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('record_id', 'kind', name=op.f('pk_household_flags')),
    )
    with op.batch_alter_table('household_flags', schema=None) as batch_op:
        batch_op.create_index('ix_household_flags_contract_kind', ['contract_id', 'kind'],
                              unique=False)
        batch_op.create_index('ix_household_flags_newest', ['survey_date', 'record_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('household_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_household_flags_newest')
        batch_op.drop_index('ix_household_flags_contract_kind')
    op.drop_table('household_flags')
