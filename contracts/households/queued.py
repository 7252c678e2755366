"""Large household-record files imported by a worker process, so that no import approaches the
web server's timeout: more lines than ``HOUSEHOLD_IMPORT_QUEUE_ROWS`` (default 5,000) are
stored under ``UPLOAD_DIR/household_uploads`` and queued; smaller files are imported in the
request as before (the API's ``201 {"imported": N}``).

What can be refused at once is refused before queueing (who may import, the contract's state,
an unreadable file, a zip bomb). The worker then runs the same all-or-nothing import in one
transaction, reporting the rows checked on a connection of its own; a refusal (row errors)
is kept on the :class:`HouseholdUpload` row for its page and the API. An import interrupted by
a kill is rolled back by the database and runs again from the start; the unique index of the
records and the worker's claim check keep it from ever being stored twice. The stored copy
of the file (personal data) goes as soon as the import has ended.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock, uploads
from app.audit.listener import acting_as
from app.errors import DomainError
from app.extensions import db
from app.scoping import one_visible
from app.users.models import User
from app.worker.queue import enqueue, set_on_row
from app.worker.registry import register_task
from contracts.households.checks import RowError
from contracts.households.files import UnreadableFile, count_rows
from contracts.households.models import HouseholdImport, HouseholdUpload, UploadStatus
from contracts.households.services import (
    HouseholdImportError,
    check_importable,
    import_households,
)
from contracts.models import Contract
from contracts.visibility import get_visible_contract

AREA = "household_uploads"
TASK = "contracts.household_import"
#: files of more lines than this are imported by a worker
DEFAULT_QUEUE_ROWS = 5000
#: statuses after which nothing more happens
ENDED = (UploadStatus.IMPORTED, UploadStatus.REFUSED, UploadStatus.FAILED)


UPLOAD_STATUS_LABELS = {
    UploadStatus.QUEUED: _l("Waiting for a worker"),
    UploadStatus.RUNNING: _l("Checking and importing"),
    UploadStatus.IMPORTED: _l("Imported"),
    UploadStatus.REFUSED: _l("Refused; nothing imported"),
    UploadStatus.FAILED: _l("Failed; nothing imported"),
}


def queue_threshold() -> int:
    return int(current_app.config.get("HOUSEHOLD_IMPORT_QUEUE_ROWS", DEFAULT_QUEUE_ROWS))


def import_or_queue(contract: Contract, data: bytes, filename: str, actor: User,
                    locale: str) -> HouseholdImport | HouseholdUpload:
    """Import a small file now (a :class:`HouseholdImport`), or queue a large one (a
    :class:`HouseholdUpload`); refusals as :func:`import_households` raises them."""
    check_importable(contract, actor)
    try:
        lines = count_rows(data, filename)
    except UnreadableFile as error:
        raise HouseholdImportError([RowError(None, "file", error.message)], 1) from None
    if lines <= queue_threshold():
        return import_households(contract, data, filename, actor)
    stored = uploads.store(AREA, data, suffix=Path(filename).suffix.lower())
    upload = HouseholdUpload(contract_id=contract.id, requested_by_id=actor.id,
                             filename=(filename or "")[:255], stored_name=stored,
                             sha256=hashlib.sha256(data).hexdigest(), locale=locale,
                             rows_total=max(lines - 1, 0))
    db.session.add(upload)
    db.session.flush()
    enqueue(TASK, upload.id)
    return upload


def get_visible_upload(user: User, upload_id: int) -> HouseholdUpload:
    """The upload, if ``user`` may see its contract; otherwise not found."""
    upload = one_visible(sa.select(HouseholdUpload), HouseholdUpload.id, upload_id)
    get_visible_contract(user, upload.contract_id)
    return upload


def recent_uploads(contract: Contract, limit: int = 5) -> list[HouseholdUpload]:
    """The contract's latest queued imports, newest first."""
    return list(db.session.scalars(sa.select(HouseholdUpload)
                                   .where(HouseholdUpload.contract_id == contract.id)
                                   .order_by(HouseholdUpload.id.desc()).limit(limit)))


def upload_errors(upload: HouseholdUpload) -> list[RowError]:
    """The stored row errors, for the page and the errors workbook."""
    return [RowError(e.get("row"), e.get("field") or "", e.get("message") or "")
            for e in upload.errors or []]


def run_import(work) -> str:
    """The worker's task: the whole import in one transaction, left for the worker to commit
    with the task's end; progress reported on a connection of its own."""
    upload = db.session.get(HouseholdUpload, work.ref_id)
    if upload is None or upload.status in ENDED:
        return "nothing to do"
    upload_id, stored_name = upload.id, upload.stored_name
    work.confirm()
    set_on_row(HouseholdUpload, upload_id, status=UploadStatus.RUNNING, rows_checked=0)
    db.session.commit()
    upload = db.session.get(HouseholdUpload, upload_id)
    engine = db.engine

    def progress(rows: int) -> None:
        work.check()
        with engine.begin() as connection:
            connection.execute(sa.update(HouseholdUpload.__table__)
                               .where(HouseholdUpload.id == upload_id)
                               .values(rows_checked=rows))

    data = uploads.path_of(AREA, stored_name).read_bytes()
    with force_locale(upload.locale):
        try:
            # audited as whoever sent the file, as the import made at once is
            with acting_as(upload.requested_by):
                batch = import_households(upload.contract, data, upload.filename,
                                          upload.requested_by, on_progress=progress)
                db.session.flush()
        except HouseholdImportError as error:
            db.session.rollback()
            work.confirm()
            set_on_row(HouseholdUpload, upload_id, status=UploadStatus.REFUSED,
                       error_count=error.error_count, errors=error.rows(),
                       message=error.message, finished_at=clock.now())
            outcome = f"refused: {error.error_count} error(s)"
        except DomainError as error:  # no longer allowed (the contract ended, the user left)
            db.session.rollback()
            work.confirm()
            set_on_row(HouseholdUpload, upload_id, status=UploadStatus.REFUSED,
                       message=error.message, finished_at=clock.now())
            outcome = f"refused: {error.message}"
        else:
            set_on_row(HouseholdUpload, upload_id, status=UploadStatus.IMPORTED,
                       import_id=batch.id, rows_checked=batch.rows, finished_at=clock.now())
            outcome = f"{batch.rows} record(s) imported"
    uploads.discard(AREA, stored_name)
    return outcome


def import_failed(upload_id: int, message: str) -> None:
    """The worker gave up: the page says so; the stored file goes."""
    upload = db.session.get(HouseholdUpload, upload_id)
    if upload is None:
        return
    with force_locale(upload.locale):
        text = _("The import failed on the server; nothing was imported. Upload the file "
                 "again, or tell the administrator if it fails again.")
    set_on_row(HouseholdUpload, upload_id, status=UploadStatus.FAILED, message=text,
               finished_at=clock.now())
    uploads.discard(AREA, upload.stored_name)


register_task(TASK, run_import, fail=import_failed)
