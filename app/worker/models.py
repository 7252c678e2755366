"""Queued tasks: what to do, on which row, and which worker holds it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import str_enum, utcnow
from app.extensions import db


class TaskStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class QueuedTask(db.Model):
    """One piece of long work; its kind's function does it, the worker records the outcome."""

    __tablename__ = "queued_tasks"
    __audited__ = False  # heartbeats every few seconds; the work's own row tells its story
    __table_args__ = (sa.Index("ix_queued_tasks_status_id", "status", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: what to do: a key of app.worker.registry, e.g. "reports.campaign_scorecards"
    kind: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: id of the row the task works on, in the table its kind works with
    ref_id: so.Mapped[int]
    status: so.Mapped[TaskStatus] = so.mapped_column(
        str_enum(TaskStatus, "queued_task_status", 8), default=TaskStatus.QUEUED)
    #: how many times a worker has started it
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    #: host:pid:random of the worker running it; None while it waits
    claimed_by: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    #: the running worker's last sign of life; silent too long, the task is taken over
    heartbeat_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: when the current (or last) attempt started
    started_at: so.Mapped[datetime | None]
    finished_at: so.Mapped[datetime | None]
    #: what came of it: the work's own summary, or why it failed
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
