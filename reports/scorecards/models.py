"""A batch of scorecards made by a worker process, e.g. every scorecard of a campaign as a ZIP."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db


class BatchStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ScorecardBatch(db.Model):
    __tablename__ = "scorecard_batches"
    #: progress counters change every few cards; the trail records creation and the outcome
    __audited__ = False

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    campaign_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: the language of the labels, the requester's at the time
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="zh_CN")
    status: so.Mapped[BatchStatus] = so.mapped_column(
        sa.Enum(BatchStatus, name="batch_status", native_enum=False, create_constraint=True,
                length=16, values_callable=lambda e: [m.value for m in e]),
        default=BatchStatus.QUEUED)
    total: so.Mapped[int] = so.mapped_column(default=0)
    done: so.Mapped[int] = so.mapped_column(default=0)
    #: file name of the ZIP under UPLOAD_DIR/scorecard_batches
    file_name: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[datetime | None]
