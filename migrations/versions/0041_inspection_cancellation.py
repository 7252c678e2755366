"""An officer may call off a scheduled inspection that has no answers yet: the status
``cancelled`` and who cancelled it, when and why, kept on the inspection (its history stays).

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-08

"""
from alembic import op
import sqlalchemy as sa


revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None

OLD = ('scheduled', 'in_progress', 'submitted', 'finalized')
NEW = OLD + ('cancelled',)


def _status(values):
    return sa.Enum(*values, name='inspection_status', native_enum=False,
                   create_constraint=True, length=16)


def upgrade():
    # the enum as existing type: its CHECK constraint is replaced with it, on both databases
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=_status(OLD), type_=_status(NEW),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_inspections_cancelled_by_id_users'),
                                    'users', ['cancelled_by_id'], ['id'])


def downgrade():
    # a cancelled visit has no place in the older schema: it goes back to scheduled, its
    # reason lost with the column
    op.execute("UPDATE inspections SET status = 'scheduled' WHERE status = 'cancelled'")
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inspections_cancelled_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancelled_at')
        batch_op.alter_column('status', existing_type=_status(NEW), type_=_status(OLD),
                              existing_nullable=False)
