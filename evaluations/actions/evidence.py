"""Evidence a provider attaches to an answer: files checked by content, stored under UPLOAD_DIR."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from app import uploads
from app.errors import ValidationError
from app.users.models import User
from evaluations.actions.models import ActionAttachment, AttachmentKind, CorrectiveAction
from evaluations.inspections.photos import MAX_PIXELS, read_image

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: evidence files: what the content may be, by extension (content checked by app.uploads)
ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg"})
#: before and after photos are pictures, never documents
PHOTO_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg"})


AREA = "actions"


def attachment_path(attachment: ActionAttachment) -> Path:
    return uploads.path_of(AREA, attachment.stored_name)


def store_attachment(action: CorrectiveAction, filename: str | None, data: bytes,
                     actor: User | None, kind: AttachmentKind = AttachmentKind.EVIDENCE,
                     field: str = "file") -> ActionAttachment:
    """Write one file and attach it to ``action``: evidence (a PDF or an image), or a before
    or after photo (an image); a wrong or too large file is a ``ValidationError`` on
    ``field``."""
    name = uploads.clean_filename(filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        message = _("The file is larger than %(limit)d MB.", limit=MAX_ATTACHMENT_BYTES // 2**20)
        raise ValidationError(message, {field: [message]})
    photo = kind is not AttachmentKind.EVIDENCE
    allowed = PHOTO_EXTENSIONS if photo else ATTACHMENT_EXTENSIONS
    if name and Path(name).suffix.lower() not in allowed:
        message = (_("Attach a JPEG or PNG photo.") if photo
                   else _("Attach a PDF or a JPEG or PNG image."))
        raise ValidationError(message, {field: [message]})
    try:
        content_type = uploads.check_file(name, data)
    except ValidationError as error:
        raise ValidationError(error.message, {field: [error.message]}) from None
    if photo and not content_type.startswith("image/"):
        message = _("Attach a JPEG or PNG photo.")
        raise ValidationError(message, {field: [message]})
    # the first bytes only claim a picture: a before or after photo is printed and shown, so
    # it must decode, and not into a decompression bomb
    if photo and read_image(data) is None:
        message = _("%(name)s is not a readable JPEG or PNG photo of at most %(n)d megapixels.",
                    name=name or field, n=MAX_PIXELS // 1_000_000)
        raise ValidationError(message, {field: [message]})
    stored_name = uploads.store(AREA, data)
    attachment = ActionAttachment(stored_name=stored_name, original_name=name, kind=kind,
                                  content_type=content_type, size=len(data),
                                  uploaded_by_id=actor.id if actor is not None else None)
    action.attachments.append(attachment)
    return attachment
