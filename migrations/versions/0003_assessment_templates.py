"""Assessment templates (评估表): versioned templates, their sections and items.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('assessment_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('target', sa.Enum('facility', 'contract', name='template_target', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('grade_bands', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'retired', name='template_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_assessment_templates_version_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assessment_templates_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_templates')),
    sa.UniqueConstraint('code', 'version', name='uq_assessment_templates_code_version')
    )
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_templates_code'), ['code'], unique=False)

    op.create_table('template_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_template_sections_position_not_negative')),
    sa.CheckConstraint('weight >= 0', name=op.f('ck_template_sections_weight_not_negative')),
    sa.ForeignKeyConstraint(['template_id'], ['assessment_templates.id'], name=op.f('fk_template_sections_template_id_assessment_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_sections')),
    sa.UniqueConstraint('template_id', 'key', name='uq_template_sections_key'),
    sa.UniqueConstraint('template_id', 'position', name='uq_template_sections_position')
    )
    with op.batch_alter_table('template_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_sections_template_id'), ['template_id'], unique=False)

    op.create_table('template_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('guidance_zh', sa.Text(), nullable=False),
    sa.Column('guidance_en', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('allow_na', sa.Boolean(), nullable=False),
    sa.Column('evidence_required', sa.Boolean(), nullable=False),
    sa.CheckConstraint('max_points * 2 = CAST(max_points * 2 AS INTEGER)', name=op.f('ck_template_items_max_points_half_step')),
    sa.CheckConstraint('max_points > 0', name=op.f('ck_template_items_max_points_positive')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_template_items_position_not_negative')),
    sa.ForeignKeyConstraint(['section_id'], ['template_sections.id'], name=op.f('fk_template_items_section_id_template_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_items')),
    sa.UniqueConstraint('section_id', 'key', name='uq_template_items_key'),
    sa.UniqueConstraint('section_id', 'position', name='uq_template_items_position')
    )
    with op.batch_alter_table('template_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_items_section_id'), ['section_id'], unique=False)




def downgrade():

    with op.batch_alter_table('template_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_items_section_id'))

    op.drop_table('template_items')
    with op.batch_alter_table('template_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_sections_template_id'))

    op.drop_table('template_sections')
    with op.batch_alter_table('assessment_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_templates_code'))

    op.drop_table('assessment_templates')

