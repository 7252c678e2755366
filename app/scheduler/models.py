"""Runs of scheduled jobs, commands from the admin page, and the leader lock row."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import str_enum, utcnow
from app.extensions import db


class RunStatus(enum.StrEnum):
    OK = "ok"
    ERROR = "error"
    SKIPPED = "skipped"


class CommandKind(enum.StrEnum):
    RUN_NOW = "run_now"
    PAUSE = "pause"
    RESUME = "resume"


class JobRun(db.Model):
    """One execution of a job, whatever its outcome."""

    __tablename__ = "job_runs"
    __audited__ = False  # the table is itself a log

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: id of the job in the registry
    job_id: so.Mapped[str] = so.mapped_column(sa.String(191), index=True)
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    finished_at: so.Mapped[datetime | None]
    status: so.Mapped[RunStatus] = so.mapped_column(str_enum(RunStatus, "job_run_status", 8))
    #: what the job returned, or the error
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    duration_ms: so.Mapped[int | None]
    #: started from the admin page rather than by its trigger
    manual: so.Mapped[bool] = so.mapped_column(default=False)


class JobCommand(db.Model):
    """A request from the admin page, carried out by the leading scheduler process."""

    __tablename__ = "job_commands"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    job_id: so.Mapped[str] = so.mapped_column(sa.String(191), index=True)
    command: so.Mapped[CommandKind] = so.mapped_column(str_enum(CommandKind, "job_command_kind", 8))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: the admin who asked
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: when the scheduler carried it out; None while pending
    done_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    #: what came of it ("done", or why not)
    outcome: so.Mapped[str] = so.mapped_column(sa.String(200), default="")


class SchedulerLock(db.Model):
    """The leader lock where the database has no advisory locks (SQLite).

    The holder refreshes ``heartbeat_at``; another process takes the lock when it is stale.
    """

    __tablename__ = "scheduler_locks"
    __audited__ = False  # a heartbeat every few seconds

    name: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    #: host:pid:random of the process holding it
    holder: so.Mapped[str] = so.mapped_column(sa.String(200))
    heartbeat_at: so.Mapped[datetime]
