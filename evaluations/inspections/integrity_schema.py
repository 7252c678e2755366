"""The ``integrity`` object of a photo in the JSON API (``docs/API.md``)."""

from __future__ import annotations

import marshmallow as ma


class ReuseSchema(ma.Schema):
    inspection_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "null: an inspection the caller may not see"})
    facility_id = ma.fields.Integer(allow_none=True)


class IntegritySchema(ma.Schema):
    reused_in = ma.fields.List(ma.fields.Nested(ReuseSchema), metadata={
        "description": "other inspections holding the same or a near-identical picture "
                       "(perceptual hash); ids null for one the caller may not see"})
    days_from_inspection = ma.fields.Integer(allow_none=True, metadata={
        "description": "local day taken (EXIF) minus the inspection date; null: no EXIF time"})
    metres_from_facility = ma.fields.Integer(allow_none=True, metadata={
        "description": "from the EXIF GPS position to the facility's; null: either unknown"})
