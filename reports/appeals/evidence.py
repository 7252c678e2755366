"""The files a provider offers as evidence of an appeal.

Files come with the appeal or later while it is open, from the provider that lodged it; each is
checked by its content (``app.uploads``) before anything is stored, so one bad file in a batch
stores none. Whoever may read the appeal may download its files; nobody else learns they exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response
from flask_babel import gettext as _

from app import clock, uploads
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.unit_of_work import claim_row
from app.users.models import Role, User
from reports.appeals.models import Appeal, AppealFile

AREA = "appeals"
MAX_FILES = 10


def check_files(files: list[tuple[str, bytes]], *, already: int = 0) -> list[tuple[str, bytes, str]]:
    """``(name, data, media type)`` of every file, or a ``ValidationError`` on ``files``
    naming each refused file (and so storing none)."""
    if already + len(files) > MAX_FILES:
        message = _("An appeal carries at most %(n)d files.", n=MAX_FILES)
        raise ValidationError(message, {"files": [message]})
    checked, problems = [], []
    for name, data in files:
        filename = uploads.clean_filename(name)
        try:
            checked.append((filename, data, uploads.check_file(filename, data)))
        except ValidationError as error:
            problems.extend(error.fields.get("file", [error.message]))
    if problems:
        raise ValidationError(_("No file was stored."), {"files": problems})
    return checked


def attach_files(appeal: Appeal, files: list[tuple[str, bytes]], *, actor: User) -> list[AppealFile]:
    """Store the files as evidence of an open appeal of the actor's organization."""
    if actor.role is not Role.PROVIDER or actor.provider_id != appeal.provider_id:
        raise NotFound(_("Not found."))
    # a file sent as the officer resolves the appeal would otherwise join the evidence of an
    # appeal decided without it; and files sent at once are counted together against the limit
    claim_row(appeal, lambda: _refuse_unless_open(appeal))
    db.session.expire(appeal, ["files"])
    added = []
    for filename, data, content_type in check_files(files, already=len(appeal.files)):
        stored = uploads.store(AREA, data, suffix=Path(filename).suffix.lower())
        added.append(AppealFile(appeal=appeal, stored_name=stored, filename=filename,
                                content_type=content_type, size=len(data),
                                uploaded_by_id=actor.id, uploaded_at=clock.now()))
    db.session.add_all(added)
    db.session.flush()
    return added


def _refuse_unless_open(appeal: Appeal) -> None:
    if not appeal.is_open:
        raise Conflict(_("The appeal is resolved; evidence can no longer be added."))


def evidence_file(appeal: Appeal, file_id: Any) -> AppealFile:
    """One file of an appeal the caller may already read; 404 for any other id."""
    found = next((f for f in appeal.files if str(f.id) == str(file_id)), None)
    if found is None:
        raise NotFound(_("Not found."))
    return found


def send_file(appeal: Appeal, file_id: Any) -> Response:
    found = evidence_file(appeal, file_id)
    return uploads.send(AREA, found.stored_name, mimetype=found.content_type,
                        download_name=found.filename,
                        inline=found.content_type in {"image/jpeg", "image/png"})
