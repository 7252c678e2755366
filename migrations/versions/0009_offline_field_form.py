"""Offline field form: a version on each answer (per-item merge), a device id on photos
(idempotent retries), drawn signatures, and the template setting that requires them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('evidence_photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_evidence_photos_client_id', ['inspection_id', 'client_id'])
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatures_required', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('inspection_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('inspector', 'representative', name='signature_role', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('signer_name', sa.String(length=100), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_signatures_inspection_id_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_inspection_signatures_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_signatures')),
    sa.UniqueConstraint('inspection_id', 'role', name='uq_inspection_signatures_role'),
    sa.UniqueConstraint('stored_name', name=op.f('uq_inspection_signatures_stored_name'))
    )
    with op.batch_alter_table('inspection_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_signatures_inspection_id'), ['inspection_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inspection_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_signatures_inspection_id'))
    op.drop_table('inspection_signatures')
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.drop_column('signatures_required')
    with op.batch_alter_table('evidence_photos', schema=None) as batch_op:
        batch_op.drop_constraint('uq_evidence_photos_client_id', type_='unique')
        batch_op.drop_column('client_id')
    with op.batch_alter_table('inspection_answers', schema=None) as batch_op:
        batch_op.drop_column('version')
