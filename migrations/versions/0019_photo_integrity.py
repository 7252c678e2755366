"""Evidence integrity of inspection photos: facilities gain an optional position (latitude and
longitude, both or neither); evidence photos gain their EXIF GPS position and a perceptual hash
with its four 16-bit quarters, each leading an index that holds all four.

Existing photos keep NULL: ``flask inspections hash-photos`` reads their stored files and fills
in hash and position (a migration does not read the upload folder, which may live elsewhere).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

BANDS = ('phash_b0', 'phash_b1', 'phash_b2', 'phash_b3')


def upgrade():
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_facilities_latitude_range'), 'latitude IS NULL OR (latitude >= -90 AND latitude <= 90)')
        batch_op.create_check_constraint(
            op.f('ck_facilities_longitude_range'), 'longitude IS NULL OR (longitude >= -180 AND longitude <= 180)')
        batch_op.create_check_constraint(
            op.f('ck_facilities_position_whole'), '(latitude IS NULL) = (longitude IS NULL)')

    with op.batch_alter_table('evidence_photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gps_latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('gps_longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('phash', sa.String(length=16), nullable=True))
        for band in BANDS:
            batch_op.add_column(sa.Column(band, sa.Integer(), nullable=True))
        # each quarter leads one index holding all four (lookups never read the table)
        for i in range(4):
            batch_op.create_index(f'ix_evidence_photos_phash_q{i}',
                                  [BANDS[(i + k) % 4] for k in range(4)], unique=False)


def downgrade():
    with op.batch_alter_table('evidence_photos', schema=None) as batch_op:
        for i in range(4):
            batch_op.drop_index(f'ix_evidence_photos_phash_q{i}')
        for band in BANDS:
            batch_op.drop_column(band)
        batch_op.drop_column('phash')
        batch_op.drop_column('gps_longitude')
        batch_op.drop_column('gps_latitude')

    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_facilities_position_whole'), type_='check')
        batch_op.drop_constraint(op.f('ck_facilities_longitude_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_facilities_latitude_range'), type_='check')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
