"""The spans a contract was suspended, kept on the contract: a report whose deadline fell
while it was suspended was not asked for (no reminder, not on the provider's list), so its
timeliness leaves it out, and every page working timeliness out of a contract reads them
without a statement more. Filled from the transitions, as the bureau's calendar days
(Asia/Shanghai): ``[["2026-03-02", "2026-04-10"], ["2026-09-01", null]]`` (null: suspended
still, or terminated while suspended).

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None

#: the bureau's clock (app.clock.LOCAL_TZ), fixed here: a migration does not import the app
SHANGHAI = timezone(timedelta(hours=8))


def _local_day(value):
    if isinstance(value, str):  # SQLite hands a raw text column back as text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # stored as UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(SHANGHAI).date().isoformat()


def upgrade():
    with op.batch_alter_table('contracts') as batch_op:
        batch_op.add_column(sa.Column('suspensions', sa.JSON(), nullable=True))
    connection = op.get_bind()
    steps = sa.table('contract_transitions', sa.column('id'), sa.column('contract_id'),
                     sa.column('from_status'), sa.column('to_status'), sa.column('at'))
    contracts = sa.table('contracts', sa.column('id'), sa.column('suspensions', sa.JSON()))
    spans = {}
    for contract_id, from_status, to_status, at in connection.execute(
            sa.select(steps.c.contract_id, steps.c.from_status, steps.c.to_status, steps.c.at)
            .where(sa.or_(steps.c.to_status == 'suspended', steps.c.from_status == 'suspended'))
            .order_by(steps.c.at, steps.c.id)):
        kept = spans.setdefault(contract_id, [])
        if to_status == 'suspended':
            kept.append([_local_day(at), None])
        elif to_status == 'active' and kept and kept[-1][1] is None:
            kept[-1][1] = _local_day(at)  # resumed (terminated while suspended: never)
    for contract_id, kept in spans.items():
        connection.execute(contracts.update().where(contracts.c.id == contract_id)
                           .values(suspensions=kept))


def downgrade():
    with op.batch_alter_table('contracts') as batch_op:
        batch_op.drop_column('suspensions')
