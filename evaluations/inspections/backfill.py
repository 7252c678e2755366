"""Perceptual hashes and GPS positions for the photos stored before they were computed at
upload (``flask inspections hash-photos``), read from the stored files in batches."""

from __future__ import annotations

import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from evaluations.inspections import integrity
from evaluations.inspections.models import EvidencePhoto
from evaluations.inspections.photos import gps_position, photo_path


def backfill_photos(batch: int = 500) -> tuple[int, int]:
    """(photos hashed, files missing or unreadable); commits after each batch.

    Positions come from the stored file, which kept no EXIF block when it was re-encoded:
    only a photo whose stored file still has one gains a position."""
    hashed = unreadable = 0
    last_id = 0
    while True:
        photos = db.session.scalars(
            sa.select(EvidencePhoto).where(EvidencePhoto.phash.is_(None),
                                           EvidencePhoto.id > last_id)
            .order_by(EvidencePhoto.id).limit(batch)).all()
        if not photos:
            return hashed, unreadable
        for photo in photos:
            last_id = photo.id
            try:
                with Image.open(photo_path(photo)) as image:
                    image.load()
                    if photo.gps_latitude is None and (position := gps_position(image)):
                        photo.gps_latitude, photo.gps_longitude = position
                    integrity.set_hash(photo, image)
            except (OSError, ValueError, Image.DecompressionBombError):
                unreadable += 1
                continue
            hashed += photo.phash is not None
        db.session.commit()
