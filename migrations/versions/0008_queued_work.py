"""Queued long work: tasks run by `flask worker run` (campaign scorecard ZIPs, large household
imports), and the household uploads waiting for or in their import. Scorecard batches left
queued or running by the web workers' threads are queued again, so that a worker finishes them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('queued_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='queued_task_status', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queued_tasks'))
    )
    with op.batch_alter_table('queued_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_queued_tasks_status_id', ['status', 'id'], unique=False)

    op.create_table('household_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'imported', 'refused', 'failed', name='household_upload_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_checked', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_household_uploads_contract_id_contracts')),
    sa.ForeignKeyConstraint(['import_id'], ['household_imports.id'], name=op.f('fk_household_uploads_import_id_household_imports')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_household_uploads_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_uploads'))
    )
    with op.batch_alter_table('household_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_uploads_contract_id'), ['contract_id'], unique=False)

    op.execute(sa.text(
        "INSERT INTO queued_tasks (kind, ref_id, status, attempts, created_at, message) "
        "SELECT 'reports.campaign_scorecards', id, 'queued', 0, CURRENT_TIMESTAMP, '' "
        "FROM scorecard_batches WHERE status IN ('queued', 'running') ORDER BY id"))


def downgrade():
    with op.batch_alter_table('household_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_uploads_contract_id'))

    op.drop_table('household_uploads')
    with op.batch_alter_table('queued_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_queued_tasks_status_id')

    op.drop_table('queued_tasks')
