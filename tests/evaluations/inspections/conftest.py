"""Helpers of the inspection tests: an upload, an item by key, a form filled in completely."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from evaluations.inspections import services
from evaluations.inspections.photos import add_photo
from tests.evaluations.conftest import full_answers, jpeg_bytes


def photo_upload(data: bytes, name: str = "p.jpg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def item_of(template, key):
    return next(item for item in template.items if item.key == key)


def fill_in(db, inspection, w, **kwargs):
    """Every item answered (``full_answers(**kwargs)``) and every required photo attached."""
    services.save_answers(inspection, version=inspection.version,
                          answers=full_answers(w.template, **kwargs), actor=w.inspector)
    for item in w.template.items:
        if item.evidence_required and item.key not in kwargs.get("na_items", ()):
            add_photo(inspection, item, photo_upload(jpeg_bytes()), w.inspector)
    db.session.commit()
