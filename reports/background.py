"""Files built in the background for the user who asked: a campaign's scorecards (a ZIP), a
large Excel export. Each is a row that a worker task moves from queued to done or failed, with
the file it wrote under ``UPLOAD_DIR/<FILE_AREA>``; its page polls its progress."""

from __future__ import annotations

import enum
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app import clock, uploads
from app.db import utcnow
from app.worker.queue import set_on_row


class BatchStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: a background job's status as its page says it
BATCH_STATUS_LABELS = {
    BatchStatus.QUEUED: _l("Waiting for a worker"),
    BatchStatus.RUNNING: _l("Building"),
    BatchStatus.DONE: _l("Ready"),
    BatchStatus.FAILED: _l("Failed"),
}


def status_type(name: str) -> sa.Enum:
    """The column type of a background job's :class:`BatchStatus`, checked by constraint
    ``name``."""
    return sa.Enum(BatchStatus, name=name, native_enum=False, create_constraint=True, length=16,
                   values_callable=lambda e: [m.value for m in e])


class BuiltFile:
    """The columns and the file of a job that builds one file (a mixin of models)."""

    #: the folder under UPLOAD_DIR its files are kept in
    FILE_AREA: ClassVar[str]
    #: the name of the constraint that checks its status
    STATUS_CONSTRAINT: ClassVar[str]

    #: the language of the labels, the requester's at the time
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="zh_CN")
    #: file name of what it built, under UPLOAD_DIR/FILE_AREA
    file_name: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[datetime | None]

    @so.declared_attr
    def status(cls) -> so.Mapped[BatchStatus]:
        return so.mapped_column(status_type(cls.STATUS_CONSTRAINT), default=BatchStatus.QUEUED)

    @property
    def has_ended(self) -> bool:
        """Done or failed: a task that finds it so has nothing to do."""
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)

    @classmethod
    def mark_failed(cls, ident: int, message: str) -> None:
        """Failed, saying why (its page shows it), in the caller's transaction."""
        set_on_row(cls, ident, status=BatchStatus.FAILED, error=message[:500],
                   finished_at=clock.now())

    def file_path(self) -> Path | None:
        """The finished file, if it is there."""
        if self.status is not BatchStatus.DONE or not self.file_name:
            return None
        path = uploads.path_of(self.FILE_AREA, self.file_name)
        return path if path.is_file() else None

    def progress(self, done: int, total: int, download_url: str | None) -> dict[str, Any]:
        """What its page polls: the status and its label, ``done`` of ``total``, the error, and
        where to download the file once it is there."""
        return {"status": self.status.value, "status_label": str(BATCH_STATUS_LABELS[self.status]),
                "done": done, "total": total, "error": self.error or None,
                "download_url": download_url}
