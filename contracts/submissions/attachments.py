"""The files of a provider's report: attached while it is a draft or returned, by their
content (PDF, image, Office; ≤ 20 MB each), at most MAX_ATTACHMENTS a report."""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import uploads
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.scoping import one_visible
from app.unit_of_work import claim_row
from app.users.models import User
from contracts.submissions.models import Submission, SubmissionAttachment
from contracts.submissions.services import (
    EDITABLE,
    get_visible_submission,
    require_writer,
)

AREA = "submissions"
#: files a report carries at most (an appeal carries 10): without a bound, a provider's
#: account could fill the server's disk 20 MB at a time
MAX_ATTACHMENTS = 30


def add_attachment(submission: Submission, *, filename: str | None, data: bytes,
                   uploader: User | None) -> SubmissionAttachment:
    """Check the file by its content (PDF, image, Office; ≤ 20 MB) and attach it."""
    require_writer(uploader, submission.contract)
    # a file sent as the report is submitted, checked against the draft its request read,
    # would otherwise land on the report under review
    claim_row(submission, lambda: _refuse_unless_room(submission))
    name = uploads.clean_filename(filename)
    content_type = uploads.check_file(name, data)
    stored_name = uploads.store(AREA, data)
    attachment = SubmissionAttachment(
        filename=name, stored_name=stored_name, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=getattr(uploader, "id", None))
    submission.attachments.append(attachment)
    db.session.flush()
    return attachment


def _refuse_unless_room(submission: Submission) -> None:
    _refuse_unless_editable(submission, _(
        "Files can be attached only while the report is a draft or returned."))
    if len(submission.attachments) >= MAX_ATTACHMENTS:
        message = _("A report carries at most %(n)d files: remove one to attach another.",
                    n=MAX_ATTACHMENTS)
        raise ValidationError(message, {"attachments": [message]})


def _refuse_unless_editable(submission: Submission, refusal: str) -> None:
    if submission.status not in EDITABLE:
        raise Conflict(refusal)


def get_visible_attachment(user: User, attachment_id: Any) -> SubmissionAttachment:
    attachment = one_visible(sa.select(SubmissionAttachment), SubmissionAttachment.id,
                             attachment_id)
    get_visible_submission(user, attachment.submission_id)
    return attachment


def delete_attachment(attachment: SubmissionAttachment, *, actor: User | None) -> None:
    """Remove a file from a report still being written; the file goes after the commit."""
    submission = attachment.submission
    require_writer(actor, submission.contract)
    claim_row(submission, lambda: _refuse_unless_editable(submission, _(
        "Files can be removed only while the report is a draft or returned.")))
    submission.attachments.remove(attachment)
    db.session.flush()
    uploads.discard(AREA, attachment.stored_name)
