"""Grades are the template's band codes; a payment decision belongs to one installment and is
revoked with a reason.

- inspections.grade: any band code (String(20)) instead of the four-value enum.
- payment_decisions: installment_id (the contract's performance-linked installment), revoked_at,
  revoked_by_id, revoke_reason; one decision not revoked per installment (a partial unique
  index) instead of one per (contract, period). Existing decisions are moved onto their
  contract's performance-linked installment; where a year and its quarters were each decided,
  the latest decision stands and the earlier ones are kept as revoked, with the reason.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

GRADES = ('excellent', 'good', 'pass', 'fail')
ACTIVE = sa.text('revoked_at IS NULL')
MIGRATION_REASON = ('Revoked when payment decisions became one per installment (migration '
                    '131): the later decision on the same installment stands.')


def _grade_enum():
    return sa.Enum(*GRADES, name='grade', native_enum=False, create_constraint=True, length=16)


def upgrade():
    # the enum as existing type: its CHECK constraint goes with it, on both databases
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.alter_column('grade', existing_type=_grade_enum(), type_=sa.String(length=20),
                              existing_nullable=True)

    with op.batch_alter_table('payment_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('installment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoke_reason', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_payment_decisions_contract_id'), type_='unique')

    conn = op.get_bind()
    # the performance-linked installment of each decision's contract (else its last one)
    conn.execute(sa.text(
        'UPDATE payment_decisions SET installment_id = ('
        ' SELECT i.id FROM installments i WHERE i.contract_id = payment_decisions.contract_id'
        ' ORDER BY i.performance_linked DESC, i.seq DESC LIMIT 1)'))
    rows = conn.execute(sa.text(
        'SELECT id, installment_id FROM payment_decisions WHERE installment_id IS NOT NULL'
        ' ORDER BY installment_id, decided_at DESC, id DESC')).all()
    seen = set()
    now = datetime.now(UTC)
    for decision_id, installment_id in rows:
        if installment_id in seen:
            conn.execute(sa.text('UPDATE payment_decisions SET revoked_at = :now,'
                                 ' revoke_reason = :reason WHERE id = :id'),
                         {'now': now, 'reason': MIGRATION_REASON, 'id': decision_id})
        seen.add(installment_id)
    orphans = conn.execute(sa.text(
        'SELECT count(*) FROM payment_decisions WHERE installment_id IS NULL')).scalar()
    if orphans:
        raise RuntimeError(f'{orphans} payment decisions belong to contracts without any '
                           'installment; give those contracts a payment schedule first.')

    with op.batch_alter_table('payment_decisions', schema=None) as batch_op:
        batch_op.alter_column('installment_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_payment_decisions_installment_id'),
                              ['installment_id'], unique=False)
        batch_op.create_index('uq_payment_decisions_installment_active', ['installment_id'],
                              unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.create_foreign_key(batch_op.f('fk_payment_decisions_revoked_by_id_users'),
                                    'users', ['revoked_by_id'], ['id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_payment_decisions_installment_id_installments'), 'installments',
            ['installment_id'], ['id'])
        batch_op.create_check_constraint(
            'revoke_reason_required', "revoked_at IS NULL OR revoke_reason <> ''")


def downgrade():
    conn = op.get_bind()
    # one decision per (contract, period) again: the revoked ones cannot be kept
    conn.execute(sa.text('DELETE FROM payment_decisions WHERE revoked_at IS NOT NULL'))
    with op.batch_alter_table('payment_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payment_decisions_revoke_reason_required'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_payment_decisions_installment_id_installments'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_payment_decisions_revoked_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_index('uq_payment_decisions_installment_active',
                            sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.drop_index(batch_op.f('ix_payment_decisions_installment_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_payment_decisions_contract_id'),
                                          ['contract_id', 'period'])
        batch_op.drop_column('revoke_reason')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('installment_id')

    # a custom band's code has no place in the four-value enum
    conn.execute(sa.text('UPDATE inspections SET grade = NULL WHERE grade NOT IN '
                         "('excellent', 'good', 'pass', 'fail')"))
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.alter_column('grade', existing_type=sa.String(length=20), type_=_grade_enum(),
                              existing_nullable=True)
