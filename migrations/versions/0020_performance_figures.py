"""Contract performance kept per contract and period (each year and quarter it runs in), so
that the dashboards read figures instead of computing them per request. Kept current at every
commit that changes them and by the nightly job; an existing database gets its figures from
`flask reports refresh-performance` (or that night's run).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'performance_figures',
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('inspection', sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column('timeliness', sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column('targets', sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column('composite', sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column('grade', sa.String(length=16), nullable=True),
        sa.Column('not_started', sa.Boolean(), nullable=False),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_performance_figures_contract_id_contracts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['provider_id'], ['providers.id'],
                                name=op.f('fk_performance_figures_provider_id_providers')),
        sa.PrimaryKeyConstraint('contract_id', 'period', name=op.f('pk_performance_figures')),
    )
    with op.batch_alter_table('performance_figures', schema=None) as batch_op:
        batch_op.create_index('ix_performance_figures_period', ['period', 'contract_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_performance_figures_provider_id'),
                              ['provider_id'], unique=False)


def downgrade():
    with op.batch_alter_table('performance_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_performance_figures_provider_id'))
        batch_op.drop_index('ix_performance_figures_period')
    op.drop_table('performance_figures')
