"""Household surveys to the letter of the rules: the two-investigator, signature, area,
staff-relative, photo and income-line columns of household records; assistance standards by
region, year and area with their history (the subsistence standards of a region from a day on
become the standards of that year, urban and rural alike, 特困 at 1.3 × and near-poor at 1.5 ×,
no asset limit); stratified spot checks with the reason each record is sampled and a contract's
own re-check share; campaigns over contracts by service type, limited to chosen counties, and
recurring at each survey window.

Existing household records keep NULL in the new columns: they are shown as recorded before the
rule. Existing spot checks are marked ``simple`` (drawn before stratification).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assistance_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('area', sa.Enum('urban', 'rural', name='standard_area', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('dibao_monthly', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('tekun_monthly', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('near_poor_monthly', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('asset_limit_per_person', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('asset_limit_per_person IS NULL OR asset_limit_per_person >= 0', name=op.f('ck_assistance_standards_asset_limit_not_negative')),
    sa.CheckConstraint('dibao_monthly > 0', name=op.f('ck_assistance_standards_dibao_positive')),
    sa.CheckConstraint('near_poor_monthly > 0', name=op.f('ck_assistance_standards_near_poor_positive')),
    sa.CheckConstraint('tekun_monthly > 0', name=op.f('ck_assistance_standards_tekun_positive')),
    sa.CheckConstraint('year >= 2000 AND year <= 2100', name=op.f('ck_assistance_standards_year_range')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_assistance_standards_region_id_regions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_assistance_standards_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_standards')),
    sa.UniqueConstraint('region_id', 'year', 'area', name='uq_assistance_standards_region_id')
    )
    with op.batch_alter_table('assistance_standards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_standards_region_id'), ['region_id'], unique=False)

    op.create_table('assistance_standard_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_assistance_standard_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['standard_id'], ['assistance_standards.id'], name=op.f('fk_assistance_standard_changes_standard_id_assistance_standards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_standard_changes'))
    )
    with op.batch_alter_table('assistance_standard_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_standard_changes_standard_id'), ['standard_id'], unique=False)

    op.create_table('spot_check_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent >= 1 AND percent <= 100', name=op.f('ck_spot_check_policies_percent_range')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_spot_check_policies_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_spot_check_policies_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_policies')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_spot_check_policies_contract_id'))
    )
    _standards_up()
    with op.batch_alter_table('subsistence_standards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsistence_standards_region_id'))

    op.drop_table('subsistence_standards')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_types', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('county_codes', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.drop_constraint(op.f('ck_campaigns_campaign_recurrence'), type_='check')
        batch_op.create_check_constraint(op.f('ck_campaigns_campaign_recurrence'), "recurrence IN ('none', 'yearly', 'survey_windows')")

    with op.batch_alter_table('household_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_surveyor', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('surveyors_signed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('applicant_signed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('area', sa.Enum('urban', 'rural', name='household_area', native_enum=False, create_constraint=True, length=8), nullable=True))
        batch_op.add_column(sa.Column('staff_relative', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('photos_taken', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('income_lines', sa.JSON(), nullable=True))

    with op.batch_alter_table('spot_check_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('selected_as', sa.Enum('random', 'staff_relative', 'flagged', name='selected_as', native_enum=False, create_constraint=True, length=16), server_default='random', nullable=False))

    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.Enum('simple', 'stratified', name='sample_method', native_enum=False, create_constraint=True, length=16), server_default='simple', nullable=False))


def downgrade():
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_spot_checks_sample_method'), type_='check')
        batch_op.drop_column('method')

    with op.batch_alter_table('spot_check_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_spot_check_items_selected_as'), type_='check')
        batch_op.drop_column('selected_as')

    with op.batch_alter_table('household_records', schema=None) as batch_op:
        batch_op.drop_column('income_lines')
        batch_op.drop_column('photos_taken')
        batch_op.drop_column('staff_relative')
        batch_op.drop_constraint(op.f('ck_household_records_household_area'), type_='check')
        batch_op.drop_column('area')
        batch_op.drop_column('applicant_signed')
        batch_op.drop_column('surveyors_signed')
        batch_op.drop_column('second_surveyor')

    op.execute("UPDATE campaigns SET recurrence = 'none' WHERE recurrence = 'survey_windows'")
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_campaigns_campaign_recurrence'), type_='check')
        batch_op.create_check_constraint(op.f('ck_campaigns_campaign_recurrence'), "recurrence IN ('none', 'yearly')")
        batch_op.drop_column('county_codes')
        batch_op.drop_column('service_types')

    op.create_table('subsistence_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('monthly_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('monthly_amount > 0', name=op.f('ck_subsistence_standards_amount_positive')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_subsistence_standards_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsistence_standards')),
    sa.UniqueConstraint('region_id', 'effective_from', name='uq_subsistence_standards_region_from')
    )
    with op.batch_alter_table('subsistence_standards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsistence_standards_region_id'), ['region_id'], unique=False)
    _standards_down()

    op.drop_table('spot_check_policies')
    with op.batch_alter_table('assistance_standard_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_standard_changes_standard_id'))

    op.drop_table('assistance_standard_changes')
    with op.batch_alter_table('assistance_standards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_standards_region_id'))

    op.drop_table('assistance_standards')


# ---- data steps -------------------------------------------------------------------------------

_subsistence = sa.table(
    'subsistence_standards', sa.column('id', sa.Integer), sa.column('region_id', sa.Integer),
    sa.column('monthly_amount', sa.Numeric(14, 2)), sa.column('effective_from', sa.Date),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)))
_assistance = sa.table(
    'assistance_standards', sa.column('id', sa.Integer), sa.column('region_id', sa.Integer),
    sa.column('year', sa.Integer), sa.column('area', sa.String(8)),
    sa.column('dibao_monthly', sa.Numeric(14, 2)), sa.column('tekun_monthly', sa.Numeric(14, 2)),
    sa.column('near_poor_monthly', sa.Numeric(14, 2)),
    sa.column('asset_limit_per_person', sa.Numeric(14, 2)),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)))


def _times(amount, factor):
    return (Decimal(amount) * Decimal(factor)).quantize(Decimal('0.01'), ROUND_HALF_UP)


def _standards_up():
    """Each region's latest standard of each year becomes that year's, urban and rural."""
    bind = op.get_bind()
    latest = {}
    for row in bind.execute(sa.select(_subsistence).order_by(_subsistence.c.effective_from)):
        latest[(row.region_id, row.effective_from.year)] = row
    rows = [dict(region_id=region_id, year=year, area=area, dibao_monthly=row.monthly_amount,
                 tekun_monthly=_times(row.monthly_amount, '1.3'),
                 near_poor_monthly=_times(row.monthly_amount, '1.5'),
                 asset_limit_per_person=None, created_at=row.created_at,
                 updated_at=row.updated_at)
            for (region_id, year), row in latest.items() for area in ('urban', 'rural')]
    if rows:
        bind.execute(sa.insert(_assistance), rows)


def _standards_down():
    """Each region's urban standard of a year becomes its standard from 1 January."""
    bind = op.get_bind()
    rows = [dict(region_id=row.region_id, monthly_amount=row.dibao_monthly,
                 effective_from=date(row.year, 1, 1), created_at=row.created_at,
                 updated_at=row.updated_at)
            for row in bind.execute(sa.select(_assistance).where(_assistance.c.area == 'urban'))]
    if rows:
        bind.execute(sa.insert(_subsistence), rows)
