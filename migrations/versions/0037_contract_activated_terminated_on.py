"""The days a contract first became active and was terminated, kept on the contract: its
reports are owed from the one and until the other, and every list working schedules out of a
contract's columns reads them without a statement more. Filled from the transitions, as the
bureau's calendar days (Asia/Shanghai).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

#: the bureau's clock (app.clock.LOCAL_TZ), fixed here: a migration does not import the app
SHANGHAI = timezone(timedelta(hours=8))


def _local_day(value):
    if isinstance(value, str):  # SQLite hands a raw text column back as text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # stored as UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(SHANGHAI).date()


def upgrade():
    with op.batch_alter_table('contracts') as batch_op:
        batch_op.add_column(sa.Column('activated_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('terminated_on', sa.Date(), nullable=True))
    connection = op.get_bind()
    steps = sa.table('contract_transitions', sa.column('contract_id'), sa.column('to_status'),
                     sa.column('at'))
    contracts = sa.table('contracts', sa.column('id'), sa.column('activated_on', sa.Date()),
                         sa.column('terminated_on', sa.Date()))
    days = {}
    for contract_id, to_status, at in connection.execute(
            sa.select(steps.c.contract_id, steps.c.to_status, steps.c.at)
            .where(steps.c.to_status.in_(('active', 'terminated')))
            .order_by(steps.c.at)):
        first, last = days.get(contract_id, (None, None))
        if to_status == 'active' and first is None:
            first = _local_day(at)
        elif to_status == 'terminated':
            last = _local_day(at)
        days[contract_id] = (first, last)
    for contract_id, (first, last) in days.items():
        connection.execute(contracts.update().where(contracts.c.id == contract_id)
                           .values(activated_on=first, terminated_on=last))


def downgrade():
    with op.batch_alter_table('contracts') as batch_op:
        batch_op.drop_column('terminated_on')
        batch_op.drop_column('activated_on')
