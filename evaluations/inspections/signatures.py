"""Signatures drawn with a finger on the device: the inspector's and the home representative's.

A signature arrives as a PNG with the signer's name and the time it was signed (by the
device's clock: it may have been drawn offline and uploaded hours later). It is checked by
content, flattened onto white, re-encoded as a small greyscale PNG and stored outside static/
(area ``signatures``). One per role: signing again replaces the earlier one. A template may
require both before submit (``AssessmentTemplate.signatures_required``); the scorecard prints
them where the empty signature lines used to be.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from app import clock, uploads
from app.clock import LOCAL_TZ
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.users.models import User
from app.validation import DATE_MAX, DATE_MIN
from evaluations.inspections.guards import (
    bump_version,
    check_client_id,
    refuse_unless_editable,
    require_inspector,
)
from evaluations.inspections.models import Inspection, InspectionSignature, SignatureRole

AREA = "signatures"
#: a finger signature is a few kilobytes; a megabyte is something else
MAX_BYTES = 1024 * 1024
MAX_SIDE = 2000
MAX_NAME = 100
#: how far ahead of the server a device's clock may run before its time is refused
CLOCK_SKEW = timedelta(minutes=10)

ROLE_LABELS = {SignatureRole.INSPECTOR: _l("Inspector"),
               SignatureRole.REPRESENTATIVE: _l("Representative of the home")}


def signature_path(signature: InspectionSignature) -> Path:
    return uploads.path_of(AREA, signature.stored_name)


def _signed_at(value: Any, errors: dict[str, list[str]]) -> datetime:
    """An ISO 8601 time from the device (local time if it names no zone); now if absent."""
    now = clock.now()
    if value in (None, ""):
        return now
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors.setdefault("signed_at", []).append(
            _("Give the time of signing as an ISO 8601 date and time."))
        return now
    # a device clock outside the app's years was never set (year 1 or 9999 would also
    # overflow in UTC)
    if not DATE_MIN.year <= moment.year <= DATE_MAX.year:
        errors.setdefault("signed_at", []).append(
            _("The time of signing must lie between the years %(first)d and %(last)d; check "
              "the device's clock.", first=DATE_MIN.year, last=DATE_MAX.year))
        return now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # pragma: no cover - the years checked above leave room for any zone
        errors.setdefault("signed_at", []).append(
            _("Give the time of signing as an ISO 8601 date and time."))
        return now
    if moment > now + CLOCK_SKEW:
        errors.setdefault("signed_at", []).append(
            _("The time of signing is in the future; check the device's clock."))
    return moment


def _png(data: bytes, errors: dict[str, list[str]]) -> Image.Image | None:
    message = _("The signature must be a PNG image.")
    if not data or len(data) > MAX_BYTES or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        errors.setdefault("file", []).append(message)
        return None
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "PNG" or max(probe.size) > MAX_SIDE:
                raise ValueError("not a signature-sized PNG")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        errors.setdefault("file", []).append(message)
        return None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Ink on white, greyscale: transparent canvases print as they look on the screen."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("L")


def _by_client_id(inspection: Inspection, client_id: str | None) -> InspectionSignature | None:
    if client_id is None:
        return None
    return db.session.scalar(sa.select(InspectionSignature).where(
        InspectionSignature.inspection_id == inspection.id,
        InspectionSignature.client_id == client_id))


def add_signature(inspection: Inspection, *, role: Any, signer_name: Any, signed_at: Any,
                  file_storage: Any, actor: User | None, client_id: Any = None
                  ) -> InspectionSignature:
    """Store a signature of ``role`` (replacing an earlier one); a retried upload with the
    same ``client_id`` returns the stored one. Errors name ``role``, ``signer_name``,
    ``signed_at``, ``file`` or ``client_id`` and store nothing."""
    require_inspector(inspection, actor)
    client_id = check_client_id(client_id)
    existing = _by_client_id(inspection, client_id)
    if existing is not None:
        return existing
    refuse_unless_editable(inspection)
    errors: dict[str, list[str]] = {}
    try:
        role = SignatureRole(role)
    except ValueError:
        errors.setdefault("role", []).append(_("Say who signs: the inspector or the "
                                               "representative of the home."))
    name = signer_name.strip() if isinstance(signer_name, str) else ""
    if not name or len(name) > MAX_NAME:
        errors.setdefault("signer_name", []).append(
            _("Give the signer's name (at most %(n)d characters).", n=MAX_NAME))
    moment = _signed_at(signed_at, errors)
    stream: IO[bytes] | None = getattr(file_storage, "stream", file_storage)
    image = _png(stream.read(MAX_BYTES + 1) if stream is not None else b"", errors)
    if errors or image is None:
        raise ValidationError(_("The signature was not stored: %(problems)s",
                                problems=" ".join(m for ms in errors.values() for m in ms)),
                              errors)
    flat = _flatten(image)
    out = io.BytesIO()
    flat.save(out, "PNG", optimize=True)

    bump_version(inspection)
    existing = _by_client_id(inspection, client_id)
    if existing is not None:
        return existing
    earlier = db.session.scalar(sa.select(InspectionSignature).where(
        InspectionSignature.inspection_id == inspection.id, InspectionSignature.role == role))
    if earlier is not None:
        inspection.signatures.remove(earlier)
        db.session.delete(earlier)
        db.session.flush()  # the (inspection, role) slot is free before the new row takes it
        uploads.discard(AREA, earlier.stored_name)
    signature = InspectionSignature(
        inspection=inspection, role=role, signer_name=name, signed_at=moment,
        stored_name=uploads.store(AREA, out.getvalue(), suffix=".png"), width=flat.width,
        height=flat.height, client_id=client_id,
        uploaded_by_id=actor.id if actor is not None else None)
    db.session.add(signature)
    db.session.flush()
    return signature


def missing_signatures(inspection: Inspection) -> list[SignatureRole]:
    """The roles still to sign, when the template requires signatures."""
    if not inspection.template.signatures_required:
        return []
    signed = {signature.role for signature in inspection.signatures}
    return [role for role in SignatureRole if role not in signed]


def get_signature(inspection: Inspection, role: Any) -> InspectionSignature:
    """The signature of ``role`` of ``inspection`` (already checked visible), or ``NotFound``."""
    for signature in inspection.signatures:
        if signature.role.value == str(role):
            return signature
    raise NotFound(_("Not found."))


def signature_response(signature: InspectionSignature) -> Response:
    return uploads.send(AREA, signature.stored_name, mimetype="image/png", inline=True)
