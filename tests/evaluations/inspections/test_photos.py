"""Evidence photos of an inspection: only real images, resized with their EXIF time kept,
removable while editable, and no file left behind by a rolled-back upload."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from PIL import Image

from app.errors import ValidationError
from evaluations.inspections.models import EvidencePhoto, Inspection
from evaluations.inspections.photos import add_photo, delete_photo, photo_path
from tests.factories import item_of, jpeg_bytes, photo_upload

# ---- photos --------------------------------------------------------------------------------

def test_photo_that_is_not_an_image_is_refused(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    for data in (b"%PDF-1.4 not a photo", b"GIF89a" + b"\0" * 20):
        with pytest.raises(ValidationError) as error:
            add_photo(inspection, room, photo_upload(data, "x.jpg"), w.inspector)
        assert "not a JPEG or PNG image" in error.value.message
        assert room.text("en") in error.value.message
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    with pytest.raises(ValidationError):
        add_photo(inspection, room, photo_upload(gif.getvalue(), "x.png"), w.inspector)
    assert inspection.photos == []


def test_an_item_id_in_other_digits_or_halves_names_no_item(db, schedule, inspection_world):
    """int() read "٣" as 3 and 3.5 as 3: a photo filed under an item the form never named."""
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    arabic = str(room.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for item in (arabic, f"{room.id}.5", f"{room.id}_0"):
        with pytest.raises(ValidationError) as error:
            add_photo(inspection, item, photo_upload(jpeg_bytes(), "x.jpg"), w.inspector)
        assert "item_id" in error.value.fields, item
    assert inspection.photos == []


def test_photo_keeps_exif_time_and_is_resized(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    photo = add_photo(inspection, room, photo_upload(jpeg_bytes(size=(3200, 1000),
                                                          taken="2026:11:10 09:30:00")),
                      w.inspector)
    db.session.commit()
    assert photo.taken_at == datetime(2026, 11, 10, 1, 30, tzinfo=UTC)
    assert (photo.width, photo.height) == (1600, 500)
    assert photo.content_type == "image/jpeg" and photo.stored_name.endswith(".jpg")
    with Image.open(photo_path(photo)) as stored:
        assert stored.format == "JPEG" and stored.size == (1600, 500)
    assert inspection.version == 2 and inspection.status == "in_progress"

    png = io.BytesIO()
    Image.new("RGBA", (20, 10)).save(png, "PNG")
    photo2 = add_photo(inspection, room.id, photo_upload(png.getvalue(), "p.png"), w.inspector)
    assert photo2.content_type == "image/png" and photo2.taken_at is None
    path = photo_path(photo2)
    delete_photo(photo2, w.inspector)
    db.session.commit()
    assert not path.exists()


@pytest.mark.parametrize("taken", ["0001:01:01 00:00:00", "9999:12:31 23:59:59"])
def test_a_camera_clock_that_was_never_set_leaves_no_time(db, schedule, inspection_world,
                                                          taken):
    """Year 1 overflowed on the way to UTC: the upload was a 500."""
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    photo = add_photo(inspection, room, photo_upload(jpeg_bytes(taken=taken)), w.inspector)
    assert photo.taken_at is None


def _photo_files(app) -> set:
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"]) / "photos"
    return set(folder.iterdir()) if folder.exists() else set()


def test_a_rolled_back_photo_leaves_no_file_a_committed_one_stays(app, db, schedule,
                                                                  inspection_world):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    before = _photo_files(app)
    add_photo(inspection, room, photo_upload(jpeg_bytes()), w.inspector)
    assert len(_photo_files(app) - before) == 2          # the photo and its thumbnail
    db.session.rollback()
    assert _photo_files(app) == before
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 0

    inspection = db.session.get(Inspection, inspection.id)
    photo = add_photo(inspection, room.id, photo_upload(jpeg_bytes()), w.inspector)
    db.session.commit()
    db.session.rollback()                                  # a later rollback takes nothing
    assert photo_path(photo).exists()
    assert len(_photo_files(app) - before) == 2
