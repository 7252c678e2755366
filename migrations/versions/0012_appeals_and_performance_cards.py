"""Appeals (申诉/复核) of inspection results and payment decisions; the verification codes of
printed contract performance scorecards.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('payment_decision_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'upheld', 'corrected', name='appeal_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_by', sa.Date(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution_reason', sa.Text(), nullable=False),
    sa.Column('correction_id', sa.Integer(), nullable=True),
    sa.Column('revised_decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_appeals_reason_required')),
    sa.CheckConstraint("status = 'open' OR resolution_reason <> ''", name=op.f('ck_appeals_resolution_reason_required')),
    sa.CheckConstraint('(inspection_id IS NULL) <> (payment_decision_id IS NULL)', name=op.f('ck_appeals_one_subject')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_appeals_contract_id_contracts')),
    sa.ForeignKeyConstraint(['correction_id'], ['inspections.id'], name=op.f('fk_appeals_correction_id_inspections')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_appeals_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_appeals_opened_by_id_users')),
    sa.ForeignKeyConstraint(['payment_decision_id'], ['payment_decisions.id'], name=op.f('fk_appeals_payment_decision_id_payment_decisions')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_appeals_provider_id_providers')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_appeals_region_id_regions')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_appeals_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['revised_decision_id'], ['payment_decisions.id'], name=op.f('fk_appeals_revised_decision_id_payment_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('inspection_id', name=op.f('uq_appeals_inspection_id')),
    sa.UniqueConstraint('payment_decision_id', name=op.f('uq_appeals_payment_decision_id'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_status'), ['status'], unique=False)

    op.create_table('performance_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('composite', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=True),
    sa.Column('payment_share', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_performance_cards_contract_id_contracts')),
    sa.ForeignKeyConstraint(['decision_id'], ['payment_decisions.id'], name=op.f('fk_performance_cards_decision_id_payment_decisions')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_performance_cards_issued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_cards')),
    sa.UniqueConstraint('code', name=op.f('uq_performance_cards_code')),
    sa.UniqueConstraint('contract_id', 'period', 'fingerprint', name='uq_performance_cards_figures')
    )
    with op.batch_alter_table('performance_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_performance_cards_contract_id'), ['contract_id'], unique=False)


def downgrade():
    with op.batch_alter_table('performance_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_performance_cards_contract_id'))
    op.drop_table('performance_cards')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_status'))
        batch_op.drop_index(batch_op.f('ix_appeals_region_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_provider_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_contract_id'))
    op.drop_table('appeals')
