"""Field work: inspections and photos, campaigns, corrective actions, submissions, household
records with subsistence standards and spot checks, documents, scorecard batches.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('subsistence_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('monthly_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('monthly_amount > 0', name=op.f('ck_subsistence_standards_amount_positive')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_subsistence_standards_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsistence_standards')),
    sa.UniqueConstraint('region_id', 'effective_from', name='uq_subsistence_standards_region_from')
    )
    with op.batch_alter_table('subsistence_standards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsistence_standards_region_id'), ['region_id'], unique=False)

    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('facility_kinds', sa.JSON(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('assignment', sa.Enum('by_region', 'round_robin', name='campaign_assignment', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('recurrence', sa.Enum('none', 'yearly', name='campaign_recurrence', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('window_end >= window_start', name=op.f('ck_campaigns_window_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users')),
    sa.ForeignKeyConstraint(['previous_id'], ['campaigns.id'], name=op.f('fk_campaigns_previous_id_campaigns')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_campaigns_region_id_regions')),
    sa.ForeignKeyConstraint(['template_id'], ['assessment_templates.id'], name=op.f('fk_campaigns_template_id_assessment_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('previous_id', name='uq_campaigns_previous_id')
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_region_id'), ['region_id'], unique=False)

    op.create_table('campaign_inspectors',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_inspectors_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_campaign_inspectors_user_id_users')),
    sa.PrimaryKeyConstraint('campaign_id', 'user_id', name=op.f('pk_campaign_inspectors'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('procurement_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN provider_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN procurement_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN contract_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_documents_one_owner')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_documents_size_not_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_documents_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['procurement_id'], ['procurements.id'], name=op.f('fk_documents_procurement_id_procurements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_documents_provider_id_providers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_documents_stored_name'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_procurement_id'), ['procurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('household_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_household_imports_contract_id_contracts')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_household_imports_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_imports'))
    )
    with op.batch_alter_table('household_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_imports_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_imports_imported_by_id'), ['imported_by_id'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_by_id', sa.Integer(), nullable=True),
    sa.Column('scheduled_for', sa.Date(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('scheduled', 'in_progress', 'submitted', 'finalized', name='inspection_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finalized_by_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('total', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('grade', sa.Enum('excellent', 'good', 'pass', 'fail', name='grade', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('section_scores', sa.JSON(), nullable=True),
    sa.Column('failed_critical', sa.JSON(), nullable=True),
    sa.Column('verification_code', sa.String(length=16), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('correction_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('facility_id IS NOT NULL OR contract_id IS NOT NULL', name=op.f('ck_inspections_has_target')),
    sa.CheckConstraint('total IS NULL OR (total >= 0 AND total <= 100)', name=op.f('ck_inspections_total_range')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_inspections_version_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_inspections_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_inspections_contract_id_contracts')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_inspections_facility_id_facilities')),
    sa.ForeignKeyConstraint(['finalized_by_id'], ['users.id'], name=op.f('fk_inspections_finalized_by_id_users')),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_inspections_inspector_id_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_inspections_provider_id_providers')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_inspections_region_id_regions')),
    sa.ForeignKeyConstraint(['scheduled_by_id'], ['users.id'], name=op.f('fk_inspections_scheduled_by_id_users')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['inspections.id'], name=op.f('fk_inspections_supersedes_id_inspections')),
    sa.ForeignKeyConstraint(['template_id'], ['assessment_templates.id'], name=op.f('fk_inspections_template_id_assessment_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_inspections_supersedes_id')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_inspections_verification_code'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_scheduled_for'), ['scheduled_for'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_template_id'), ['template_id'], unique=False)

    op.create_table('scorecard_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='batch_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_scorecard_batches_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_scorecard_batches_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_batches'))
    )
    with op.batch_alter_table('scorecard_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_batches_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('spot_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('minimum', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', name='spot_check_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('size >= 1 AND size <= population', name=op.f('ck_spot_checks_size_range')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_spot_checks_contract_id_contracts')),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['users.id'], name=op.f('fk_spot_checks_drawn_by_id_users')),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_spot_checks_inspector_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_checks'))
    )
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_checks_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_checks_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_checks_status'), ['status'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'approved', 'returned', name='submission_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('resubmissions', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'returned' OR review_comment <> ''", name=op.f('ck_submissions_returned_has_comment')),
    sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name=op.f('ck_submissions_submitted_has_time')),
    sa.CheckConstraint('resubmissions >= 0', name=op.f('ck_submissions_resubmissions_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_submissions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_submissions_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_submissions_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('contract_id', 'period', name=op.f('uq_submissions_contract_id'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_status'), ['status'], unique=False)

    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('severity', sa.Enum('red', 'orange', 'yellow', 'blue', name='action_severity', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', 'closed', name='action_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('reopen_reason', sa.Text(), nullable=False),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.Column('reinspection_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('facility_id IS NOT NULL OR contract_id IS NOT NULL', name=op.f('ck_corrective_actions_has_target')),
    sa.CheckConstraint('reopen_count >= 0', name=op.f('ck_corrective_actions_reopen_count_not_negative')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_corrective_actions_closed_by_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_corrective_actions_contract_id_contracts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_corrective_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_corrective_actions_facility_id_facilities')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_corrective_actions_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['item_id'], ['template_items.id'], name=op.f('fk_corrective_actions_item_id_template_items')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_corrective_actions_provider_id_providers')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_corrective_actions_region_id_regions')),
    sa.ForeignKeyConstraint(['reinspection_id'], ['inspections.id'], name=op.f('fk_corrective_actions_reinspection_id_inspections')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['users.id'], name=op.f('fk_corrective_actions_responded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions'))
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_actions_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_status'), ['status'], unique=False)

    op.create_table('evidence_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_evidence_photos_inspection_id_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['template_items.id'], name=op.f('fk_evidence_photos_item_id_template_items')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_photos')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_photos_stored_name'))
    )
    with op.batch_alter_table('evidence_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_photos_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('household_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('head_name', sa.String(length=50), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('monthly_income', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('assets', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('survey_date', sa.Date(), nullable=False),
    sa.Column('surveyor', sa.String(length=50), nullable=False),
    sa.Column('recommendation', sa.Enum('dibao', 'tekun', 'temporary', 'none', name='household_recommendation', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('assets >= 0', name=op.f('ck_household_records_assets_not_negative')),
    sa.CheckConstraint('members >= 1', name=op.f('ck_household_records_members_positive')),
    sa.CheckConstraint('monthly_income >= 0', name=op.f('ck_household_records_income_not_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_household_records_contract_id_contracts')),
    sa.ForeignKeyConstraint(['import_id'], ['household_imports.id'], name=op.f('fk_household_records_import_id_household_imports')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_household_records_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_records')),
    sa.UniqueConstraint('contract_id', 'period', 'id_number', name='uq_household_records_contract_period_id')
    )
    with op.batch_alter_table('household_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_records_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_records_import_id'), ['import_id'], unique=False)
        batch_op.create_index('ix_household_records_period_id', ['period', 'id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_records_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_household_records_surveyor_day', ['contract_id', 'surveyor', 'survey_date'], unique=False)

    op.create_table('inspection_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('yes', sa.Boolean(), nullable=True),
    sa.Column('na', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points IS NULL OR points >= 0', name=op.f('ck_inspection_answers_points_not_negative')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_answers_inspection_id_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['template_items.id'], name=op.f('fk_inspection_answers_item_id_template_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_answers')),
    sa.UniqueConstraint('inspection_id', 'item_id', name='uq_inspection_answers_item')
    )
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_answers_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('submission_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_submission_attachments_size_not_negative')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_attachments_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_submission_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_submission_attachments_stored_name'))
    )
    with op.batch_alter_table('submission_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_attachments_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_attachments_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('submission_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('submitted', 'resubmitted', 'returned', 'approved', name='submission_event_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_submission_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_events_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_events'))
    )
    with op.batch_alter_table('submission_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_events_submission_id'), ['submission_id'], unique=False)

    op.create_table('action_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_actions.id'], name=op.f('fk_action_attachments_action_id_corrective_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_action_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_action_attachments_stored_name'))
    )
    with op.batch_alter_table('action_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_attachments_action_id'), ['action_id'], unique=False)

    op.create_table('spot_check_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spot_check_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('pending', 'confirmed', 'discrepant', name='spot_check_result', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=True),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("result <> 'discrepant' OR field IS NOT NULL", name=op.f('ck_spot_check_items_discrepant_names_field')),
    sa.ForeignKeyConstraint(['record_id'], ['household_records.id'], name=op.f('fk_spot_check_items_record_id_household_records')),
    sa.ForeignKeyConstraint(['spot_check_id'], ['spot_checks.id'], name=op.f('fk_spot_check_items_spot_check_id_spot_checks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_items')),
    sa.UniqueConstraint('spot_check_id', 'record_id', name=op.f('uq_spot_check_items_spot_check_id'))
    )
    with op.batch_alter_table('spot_check_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_items_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_check_items_spot_check_id'), ['spot_check_id'], unique=False)




def downgrade():

    with op.batch_alter_table('spot_check_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_items_spot_check_id'))
        batch_op.drop_index(batch_op.f('ix_spot_check_items_record_id'))

    op.drop_table('spot_check_items')
    with op.batch_alter_table('action_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_attachments_action_id'))

    op.drop_table('action_attachments')
    with op.batch_alter_table('submission_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_events_submission_id'))
        batch_op.drop_index(batch_op.f('ix_submission_events_actor_id'))

    op.drop_table('submission_events')
    with op.batch_alter_table('submission_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_attachments_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_submission_attachments_submission_id'))

    op.drop_table('submission_attachments')
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_answers_inspection_id'))

    op.drop_table('inspection_answers')
    with op.batch_alter_table('household_records', schema=None) as batch_op:
        batch_op.drop_index('ix_household_records_surveyor_day')
        batch_op.drop_index(batch_op.f('ix_household_records_region_id'))
        batch_op.drop_index('ix_household_records_period_id')
        batch_op.drop_index(batch_op.f('ix_household_records_import_id'))
        batch_op.drop_index(batch_op.f('ix_household_records_id_number'))

    op.drop_table('household_records')
    with op.batch_alter_table('evidence_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_photos_inspection_id'))

    op.drop_table('evidence_photos')
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_actions_status'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_region_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_provider_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_facility_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_deadline'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_contract_id'))

    op.drop_table('corrective_actions')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_status'))
        batch_op.drop_index(batch_op.f('ix_submissions_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_contract_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_author_id'))

    op.drop_table('submissions')
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_checks_status'))
        batch_op.drop_index(batch_op.f('ix_spot_checks_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_spot_checks_contract_id'))

    op.drop_table('spot_checks')
    with op.batch_alter_table('scorecard_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_batches_campaign_id'))

    op.drop_table('scorecard_batches')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_template_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_status'))
        batch_op.drop_index(batch_op.f('ix_inspections_scheduled_for'))
        batch_op.drop_index(batch_op.f('ix_inspections_region_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_provider_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_facility_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_contract_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_campaign_id'))

    op.drop_table('inspections')
    with op.batch_alter_table('household_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_imports_imported_by_id'))
        batch_op.drop_index(batch_op.f('ix_household_imports_contract_id'))

    op.drop_table('household_imports')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_documents_provider_id'))
        batch_op.drop_index(batch_op.f('ix_documents_procurement_id'))
        batch_op.drop_index(batch_op.f('ix_documents_contract_id'))

    op.drop_table('documents')
    op.drop_table('campaign_inspectors')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_region_id'))

    op.drop_table('campaigns')
    with op.batch_alter_table('subsistence_standards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsistence_standards_region_id'))

    op.drop_table('subsistence_standards')

