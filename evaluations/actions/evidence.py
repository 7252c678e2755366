"""Evidence a provider attaches to an answer: files checked by content, stored under UPLOAD_DIR."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from app import uploads
from app.errors import ValidationError
from app.users.models import User
from evaluations.actions.models import ActionAttachment, CorrectiveAction

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: evidence files: what the content may be, by extension (content checked by app.uploads)
ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg"})


AREA = "actions"


def attachment_path(attachment: ActionAttachment) -> Path:
    return uploads.path_of(AREA, attachment.stored_name)


def store_attachment(action: CorrectiveAction, filename: str | None, data: bytes,
                     actor: User | None) -> ActionAttachment:
    """Write one evidence file and attach it to ``action``; a wrong or too large file is a
    ``ValidationError`` on ``file``."""
    name = uploads.clean_filename(filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        message = _("The file is larger than %(limit)d MB.", limit=MAX_ATTACHMENT_BYTES // 2**20)
        raise ValidationError(message, {"file": [message]})
    if name and Path(name).suffix.lower() not in ATTACHMENT_EXTENSIONS:
        message = _("Attach a PDF or a JPEG or PNG image.")
        raise ValidationError(message, {"file": [message]})
    content_type = uploads.check_file(name, data)
    stored_name = uploads.store(AREA, data)
    attachment = ActionAttachment(stored_name=stored_name, original_name=name,
                                  content_type=content_type, size=len(data),
                                  uploaded_by_id=actor.id if actor is not None else None)
    action.attachments.append(attachment)
    return attachment
