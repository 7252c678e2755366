"""The sums behind the scorecards' city means: per template version and section, the total of
the finalized inspections' section scores and how many there are. Filled here from the
inspections already finalized.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05

"""
import json
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'section_score_sums',
        sa.Column('template_id', sa.Integer(), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('total', sa.Numeric(precision=16, scale=1), nullable=False),
        sa.Column('scored', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['section_id'], ['template_sections.id'],
                                name=op.f('fk_section_score_sums_section_id_template_sections'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['template_id'], ['assessment_templates.id'],
                                name=op.f('fk_section_score_sums_template_id_assessment_templates'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('template_id', 'section_id', name=op.f('pk_section_score_sums')),
    )
    finalized = op.get_bind().execute(sa.text(
        "SELECT template_id, section_scores FROM inspections "
        "WHERE status = 'finalized' AND section_scores IS NOT NULL"))
    sums = {}
    for template_id, scores in finalized:
        for entry in json.loads(scores) if isinstance(scores, str) else scores:
            if entry.get('score') is None:
                continue
            bucket = sums.setdefault((template_id, int(entry['section_id'])), [Decimal(0), 0])
            bucket[0] += Decimal(str(entry['score']))
            bucket[1] += 1
    if sums:
        op.bulk_insert(table, [dict(template_id=t, section_id=s, total=total, scored=count)
                               for (t, s), (total, count) in sorted(sums.items())])


def downgrade():
    op.drop_table('section_score_sums')
