"""Reviews of procurement red flags: one per procurement and flag code, with the officer's
comment (the flags themselves are computed, never stored).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'red_flag_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('procurement_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("comment <> ''", name=op.f('ck_red_flag_reviews_comment_given')),
        sa.ForeignKeyConstraint(['procurement_id'], ['procurements.id'],
                                name=op.f('fk_red_flag_reviews_procurement_id_procurements'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'],
                                name=op.f('fk_red_flag_reviews_reviewed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_red_flag_reviews')),
        sa.UniqueConstraint('procurement_id', 'code', name='uq_red_flag_reviews_procurement_code'),
    )
    with op.batch_alter_table('red_flag_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_red_flag_reviews_procurement_id'), ['procurement_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_red_flag_reviews_reviewed_by_id'), ['reviewed_by_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('red_flag_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_red_flag_reviews_reviewed_by_id'))
        batch_op.drop_index(batch_op.f('ix_red_flag_reviews_procurement_id'))
    op.drop_table('red_flag_reviews')
