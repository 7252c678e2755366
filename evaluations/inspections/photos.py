"""Evidence photos: checked by content, resized, re-encoded, stored outside static/.

A photo is accepted only when Pillow reads it as a JPEG or PNG, whatever its name or declared
type says. It is turned upright (EXIF orientation), shrunk so that its longest side is at
most ``MAX_SIDE`` pixels and re-encoded, which also drops any payload hidden in the file. The
EXIF capture time (DateTimeOriginal, local time of the camera, taken as Asia/Shanghai) is kept
as ``taken_at`` in UTC, its GPS position (when the camera wrote one) as ``gps_latitude`` and
``gps_longitude``, and the perceptual hash of the stored picture is computed for the integrity
signs (``evaluations.inspections.integrity``). Files are stored by ``app.uploads`` (area ``photos``) and served only through a view that
checks the inspection's visibility.
"""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from app import uploads
from app.clock import LOCAL_TZ
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.users.models import User
from app.validation import DATE_MAX, DATE_MIN, whole_number
from evaluations.assessment.models import TemplateItem
from evaluations.inspections import integrity
from evaluations.inspections.guards import (
    bump_version,
    check_client_id,
    item_label,
    refuse_unless_editable,
    require_inspector,
)
from evaluations.inspections.models import EvidencePhoto, Inspection

MAX_SIDE = 1600
JPEG_QUALITY = 85
#: longest side of the thumbnail printed on scorecards
THUMB_SIDE = 320
#: refuse decompression bombs long before Pillow's own (warning) limit
MAX_PIXELS = 60_000_000
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


AREA = "photos"


def thumbnail_name(stored_name: str) -> str:
    return f"{Path(stored_name).stem}.thumb.jpg"


def photo_path(photo: EvidencePhoto) -> Path:
    return uploads.path_of(AREA, photo.stored_name)


def thumbnail_path(photo: EvidencePhoto) -> Path:
    return uploads.path_of(AREA, thumbnail_name(photo.stored_name))


def _thumbnail_bytes(image: Image.Image) -> bytes:
    thumb = image.convert("RGB")
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=75)
    return out.getvalue()


def ensure_thumbnail(photo: EvidencePhoto) -> Path | None:
    """The photo's small JPEG for print, made once (at upload, or here for older photos)."""
    path = thumbnail_path(photo)
    if path.exists():
        return path
    try:
        with Image.open(photo_path(photo)) as image:
            image.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG: decode at reduced scale
            path.write_bytes(_thumbnail_bytes(image))
    except (OSError, ValueError):  # a missing or unreadable file leaves a gap, not a crash
        return None
    return path


def _taken_at(image: Image.Image) -> datetime | None:
    try:
        exif = image.getexif()
        raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(0x0132)
    except Exception:  # noqa: BLE001 — a broken EXIF block only loses the time
        return None
    if not isinstance(raw, str):
        return None
    try:
        local = datetime.strptime(raw.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # a camera whose clock was never set writes year 1 (or 9999): no capture time at all (a
    # year outside the app's), and converting it to UTC would overflow
    if not DATE_MIN.year <= local.year <= DATE_MAX.year:
        return None
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    """EXIF degrees, minutes, seconds (three rationals) as signed decimal degrees."""
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative:
        result = -result
    return result if math.isfinite(result) else None


def gps_position(image: Image.Image) -> tuple[float, float] | None:
    """(latitude, longitude) from the EXIF GPS block; None when absent, broken or (0, 0),
    which cameras without a fix write."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        if GPS_LAT not in gps or GPS_LON not in gps:
            return None
        lat = _degrees(gps[GPS_LAT], gps.get(GPS_LAT_REF), "S")
        lon = _degrees(gps[GPS_LON], gps.get(GPS_LON_REF), "W")
    except Exception:  # noqa: BLE001 — a broken GPS block only loses the position
        return None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        return None
    return lat, lon


def read_image(data: bytes) -> Image.Image | None:
    """``data`` decoded, when Pillow reads it as a JPEG or PNG of at most ``MAX_PIXELS``
    pixels (whatever its name or first bytes claim); else None. Its ``format`` is kept."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # the size is known from the header: a bomb is refused before it is decoded
            if probe.format not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                return None
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        return None
    return image


def _not_an_image(item_field: str, label: str) -> ValidationError:
    message = _("%(item)s: the file is not a JPEG or PNG image.", item=label)
    return ValidationError(message, {item_field: [_("not a JPEG or PNG image")]})


def _by_client_id(inspection: Inspection, client_id: str | None) -> EvidencePhoto | None:
    if client_id is None:
        return None
    return db.session.scalar(
        sa.select(EvidencePhoto).where(EvidencePhoto.inspection_id == inspection.id,
                                       EvidencePhoto.client_id == client_id))


def add_photo(inspection: Inspection, item: TemplateItem | int | None, file_storage: Any,
              actor: User | None, client_id: str | None = None) -> EvidencePhoto:
    """Attach a photo to ``item`` of ``inspection`` (its inspector, while it is editable).

    With the device's ``client_id``, a repeated upload (a retry after a lost answer) returns
    the photo stored the first time instead of storing it twice, even after the inspection
    was submitted.
    """
    require_inspector(inspection, actor)
    client_id = check_client_id(client_id)
    existing = _by_client_id(inspection, client_id)
    if existing is not None:
        return existing
    refuse_unless_editable(inspection)
    items = {i.id: i for i in inspection.template.items}
    if isinstance(item, TemplateItem):
        item = item.id
    try:
        item_id = whole_number(item) if item is not None else None
    except ValueError:
        item_id = None
    if item_id not in items:
        message = _("This item is not part of the assessment template of this inspection.")
        raise ValidationError(message, {"item_id": [message]})
    template_item = items[item_id]
    field = f"items.{item_id}.photo"
    label = item_label(template_item, item_id)

    stream: IO[bytes] = getattr(file_storage, "stream", file_storage)
    data = stream.read() if stream is not None else b""
    if not data:
        message = _("%(item)s: choose a photo to upload.", item=label)
        raise ValidationError(message, {field: [_("choose a photo")]})
    image = read_image(data)
    if image is None:
        raise _not_an_image(field, label)
    fmt = image.format or ""

    taken_at = _taken_at(image)
    position = gps_position(image)
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    content_type, ext = FORMATS[fmt]
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)

    bump_version(inspection)  # from here on no other save of this form runs beside this one
    existing = _by_client_id(inspection, client_id)  # the same retry, a moment earlier
    if existing is not None:
        return existing
    stored_name = uploads.store(AREA, out.getvalue(), suffix=f".{ext}")
    uploads.store(AREA, _thumbnail_bytes(image), name=thumbnail_name(stored_name))

    photo = EvidencePhoto(
        inspection=inspection, item_id=item_id, stored_name=stored_name,
        original_name=(getattr(file_storage, "filename", "") or "")[:255],
        content_type=content_type, size=len(out.getvalue()), width=image.width,
        height=image.height, taken_at=taken_at, client_id=client_id,
        uploaded_by_id=actor.id if actor is not None else None,
        gps_latitude=position[0] if position else None,
        gps_longitude=position[1] if position else None)
    integrity.set_hash(photo, image)
    db.session.add(photo)
    db.session.flush()
    return photo


def delete_photo(photo: EvidencePhoto, actor: User | None) -> None:
    """Remove a photo (its inspector, while editable); the file goes once the change commits."""
    inspection = photo.inspection
    require_inspector(inspection, actor)
    refuse_unless_editable(inspection)
    inspection.photos.remove(photo)
    db.session.delete(photo)
    bump_version(inspection)
    db.session.flush()
    uploads.discard(AREA, photo.stored_name, thumbnail_name(photo.stored_name))


def copy_photo(photo: EvidencePhoto, target: Inspection) -> EvidencePhoto:
    """The same evidence on a correction: a copy of the file under a new name."""
    stored_name = uploads.copy(AREA, photo.stored_name)
    copy = EvidencePhoto(
        inspection=target, item_id=photo.item_id, stored_name=stored_name,
        original_name=photo.original_name, content_type=photo.content_type, size=photo.size,
        width=photo.width, height=photo.height, taken_at=photo.taken_at,
        uploaded_at=photo.uploaded_at, uploaded_by_id=photo.uploaded_by_id,
        gps_latitude=photo.gps_latitude, gps_longitude=photo.gps_longitude, phash=photo.phash,
        phash_b0=photo.phash_b0, phash_b1=photo.phash_b1, phash_b2=photo.phash_b2,
        phash_b3=photo.phash_b3)
    db.session.add(copy)
    return copy


def get_photo(inspection: Inspection, photo_id: Any) -> EvidencePhoto:
    """A photo of ``inspection`` (already checked visible), or ``NotFound``."""
    for photo in inspection.photos:
        if str(photo.id) == str(photo_id):
            return photo
    raise NotFound(_("Not found."))


def photo_response(photo: EvidencePhoto) -> Response:
    """The photo's bytes (at most 1600 px, so small), never cached by shared caches."""
    return uploads.send(AREA, photo.stored_name, mimetype=photo.content_type, inline=True,
                        max_age=3600)
