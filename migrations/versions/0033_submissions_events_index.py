"""A partial index of the reports the inspection plan counts (late, returned at least once, or
reporting incidents; PostgreSQL), by the day first submitted: 500 of a city's 34,000 reports,
which the plan read by scanning them all.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

# contracts.submissions.models.LATE_RETURNED_OR_INCIDENTS, written out
EVENTS = ("late OR resubmissions > 0 OR status = 'returned' "
          "OR coalesce((data ->> 'incidents'), '[]') != '[]'")


def upgrade():
    op.create_index('ix_submissions_first_submitted_at_events', 'submissions',
                    ['first_submitted_at'], unique=False,
                    postgresql_where=sa.text(EVENTS))


def downgrade():
    op.drop_index('ix_submissions_first_submitted_at_events', table_name='submissions')
