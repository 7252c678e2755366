"""Excel exports too large to build in a web request, queued for the worker process."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db
from reports.scorecards.models import BatchStatus, status_type


class ExportJob(db.Model):
    """One workbook of inspection results or item answers, built by the worker for the user who
    asked, with the filters they chose and only what they may see when it is built."""

    __tablename__ = "export_jobs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    requested_by_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: ``inspections`` (results) or ``answers`` (item answers)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: the export form's arguments, as the request sent them
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: the language of the labels, the requester's at the time
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="zh_CN")
    status: so.Mapped[BatchStatus] = so.mapped_column(status_type("export_status"),
                                                      default=BatchStatus.QUEUED)
    #: the inspections the filters matched when it was asked for, then when it was built
    inspections: so.Mapped[int] = so.mapped_column(default=0)
    #: file name of the workbook under UPLOAD_DIR/exports
    file_name: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[datetime | None]
