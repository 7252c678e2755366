"""Excel exports too large to build in a web request, queued for the worker process."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from reports.background import BuiltFile


class ExportJob(BuiltFile, db.Model):
    """One workbook of inspection results or item answers, built by the worker for the user who
    asked, with the filters they chose and only what they may see when it is built."""

    __tablename__ = "export_jobs"
    FILE_AREA = "exports"
    STATUS_CONSTRAINT = "export_status"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    requested_by_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: ``inspections`` (results) or ``answers`` (item answers)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: the export form's arguments, as the request sent them
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: the inspections the filters matched when it was asked for, then when it was built
    inspections: so.Mapped[int] = so.mapped_column(default=0)
