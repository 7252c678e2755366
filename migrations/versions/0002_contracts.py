"""Contracts: providers' status and qualifications, facilities and wards, procurement and
bids, contracts with their payment schedule, transitions, amendments and number counters.

The ``providers`` table of 0001 gains columns through batch operations (SQLite rebuilds it);
the new NOT NULL columns get server defaults so existing rows stay valid.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract_number_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('service_type', sa.Enum('household_survey', 'facility_operation', 'entrusted_care', 'other', name='service_type', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'service_type', name=op.f('pk_contract_number_counters'))
    )
    op.create_table('facilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('elderly_home', 'rural_home', 'child_welfare', name='facility_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('beds >= 0', name=op.f('ck_facilities_beds_not_negative')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_facilities_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities'))
    )
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilities_region_id'), ['region_id'], unique=False)

    op.create_table('qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('cert_type', sa.String(length=100), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_qualifications_provider_id_providers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualifications'))
    )
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualifications_provider_id'), ['provider_id'], unique=False)

    op.create_table('facility_wards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('ward', sa.Enum('self_care', 'semi_disabled', 'disabled', name='ward', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.CheckConstraint('beds >= 0', name=op.f('ck_facility_wards_beds_not_negative')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_facility_wards_facility_id_facilities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility_wards')),
    sa.UniqueConstraint('facility_id', 'ward', name=op.f('uq_facility_wards_facility_id'))
    )
    with op.batch_alter_table('facility_wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facility_wards_facility_id'), ['facility_id'], unique=False)

    op.create_table('procurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('service_type', sa.Enum('household_survey', 'facility_operation', 'entrusted_care', 'other', name='service_type', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('budget', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('method', sa.Enum('open_tender', 'competitive_consultation', 'single_source', 'request_for_quotation', name='procurement_method', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('bid_deadline', sa.Date(), nullable=True),
    sa.Column('awarded_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'awarded', 'cancelled', name='procurement_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method <> 'single_source' OR justification <> ''", name=op.f('ck_procurements_single_source_justified')),
    sa.CheckConstraint('budget > 0', name=op.f('ck_procurements_budget_positive')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_procurements_facility_id_facilities')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_procurements_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurements'))
    )
    with op.batch_alter_table('procurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurements_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurements_region_id'), ['region_id'], unique=False)

    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procurement_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('technical_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('awarded', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price > 0', name=op.f('ck_bids_price_positive')),
    sa.CheckConstraint('technical_score IS NULL OR (technical_score >= 0 AND technical_score <= 100)', name=op.f('ck_bids_technical_score_range')),
    sa.ForeignKeyConstraint(['procurement_id'], ['procurements.id'], name=op.f('fk_bids_procurement_id_procurements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_bids_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('procurement_id', 'provider_id', name=op.f('uq_bids_procurement_id'))
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_procurement_id'), ['procurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_provider_id'), ['provider_id'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('service_type', sa.Enum('household_survey', 'facility_operation', 'entrusted_care', 'other', name='service_type', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('procurement_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reporting', sa.Enum('monthly', 'quarterly', name='reporting', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('report_due_days', sa.Integer(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'suspended', 'completed', 'terminated', name='contract_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("service_type <> 'facility_operation' OR facility_id IS NOT NULL", name=op.f('ck_contracts_facility_for_operation')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_contracts_amount_positive')),
    sa.CheckConstraint('end_date > start_date', name=op.f('ck_contracts_period_order')),
    sa.CheckConstraint('report_due_days >= 0', name=op.f('ck_contracts_report_due_days_not_negative')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_contracts_facility_id_facilities')),
    sa.ForeignKeyConstraint(['procurement_id'], ['procurements.id'], name=op.f('fk_contracts_procurement_id_procurements')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_contracts_provider_id_providers')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_contracts_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('number', name=op.f('uq_contracts_number'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_procurement_id'), ['procurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_status'), ['status'], unique=False)

    op.create_table('contract_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_contract_amendments_actor_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_amendments_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_amendments')),
    sa.UniqueConstraint('contract_id', 'version', name=op.f('uq_contract_amendments_contract_id'))
    )
    with op.batch_alter_table('contract_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_amendments_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_amendments_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'active', 'suspended', 'completed', 'terminated', name='from_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('to_status', sa.Enum('draft', 'active', 'suspended', 'completed', 'terminated', name='to_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_contract_transitions_actor_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_transitions_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_transitions'))
    )
    with op.batch_alter_table('contract_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_transitions_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_transitions_contract_id'), ['contract_id'], unique=False)

    op.create_table('installments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('share_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('performance_linked', sa.Boolean(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.CheckConstraint('share_percent > 0 AND share_percent <= 100', name=op.f('ck_installments_share_range')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_installments_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installments')),
    sa.UniqueConstraint('contract_id', 'seq', name=op.f('uq_installments_contract_id'))
    )
    with op.batch_alter_table('installments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installments_contract_id'), ['contract_id'], unique=False)

    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('status', sa.Enum('active', 'suspended', 'debarred', name='provider_status', native_enum=False, create_constraint=True, length=16), server_default='active', nullable=False))
        batch_op.add_column(sa.Column('status_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_providers_provider_status'), type_='check')
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('status')
        batch_op.drop_column('address')
        batch_op.drop_column('contact_email')

    with op.batch_alter_table('installments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installments_contract_id'))

    op.drop_table('installments')
    with op.batch_alter_table('contract_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_transitions_contract_id'))
        batch_op.drop_index(batch_op.f('ix_contract_transitions_actor_id'))

    op.drop_table('contract_transitions')
    with op.batch_alter_table('contract_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_amendments_contract_id'))
        batch_op.drop_index(batch_op.f('ix_contract_amendments_actor_id'))

    op.drop_table('contract_amendments')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_status'))
        batch_op.drop_index(batch_op.f('ix_contracts_region_id'))
        batch_op.drop_index(batch_op.f('ix_contracts_provider_id'))
        batch_op.drop_index(batch_op.f('ix_contracts_procurement_id'))
        batch_op.drop_index(batch_op.f('ix_contracts_facility_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bids_provider_id'))
        batch_op.drop_index(batch_op.f('ix_bids_procurement_id'))

    op.drop_table('bids')
    with op.batch_alter_table('procurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurements_region_id'))
        batch_op.drop_index(batch_op.f('ix_procurements_facility_id'))

    op.drop_table('procurements')
    with op.batch_alter_table('facility_wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facility_wards_facility_id'))

    op.drop_table('facility_wards')
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualifications_provider_id'))

    op.drop_table('qualifications')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilities_region_id'))

    op.drop_table('facilities')
    op.drop_table('contract_number_counters')
