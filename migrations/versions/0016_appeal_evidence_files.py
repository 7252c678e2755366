"""Appeal evidence files: an appeal (申诉/复核) carries the documents and photos the provider
offers, beside the evidence described in words.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appeal_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=128), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_files_appeal_id_appeals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_appeal_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_appeal_files_stored_name'))
    )
    with op.batch_alter_table('appeal_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_files_appeal_id'), ['appeal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('appeal_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_files_appeal_id'))

    op.drop_table('appeal_files')
