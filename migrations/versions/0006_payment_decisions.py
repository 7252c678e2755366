"""Payment decisions: the officer's pay / reduce / withhold and renewal decision per contract period.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('payment_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('composite', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('grade', sa.String(length=16), nullable=True),
    sa.Column('payment_share', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('decision', sa.Enum('pay', 'reduce', 'withhold', name='payment_decision', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('renew', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("comment <> ''", name=op.f('ck_payment_decisions_comment_required')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_payment_decisions_amount_not_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_payment_decisions_contract_id_contracts')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_payment_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_decisions')),
    sa.UniqueConstraint('contract_id', 'period', name=op.f('uq_payment_decisions_contract_id'))
    )
    with op.batch_alter_table('payment_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_decisions_contract_id'), ['contract_id'], unique=False)




def downgrade():

    with op.batch_alter_table('payment_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_decisions_contract_id'))

    op.drop_table('payment_decisions')

