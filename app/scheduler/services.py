"""What the admin page and the CLI know about jobs, without running a scheduler.

The web process reads next run times straight from APScheduler's table (``id``,
``next_run_time`` as a POSIX timestamp, NULL when paused) and asks for changes by inserting
:class:`JobCommand` rows, which the leading scheduler process carries out within seconds.
It never writes the job store itself: the running scheduler caches its wake-up time and would
not notice, and two writers to one store is how jobs get lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.errors import NotFound
from app.extensions import db
from app.scheduler import registry
from app.scheduler.models import CommandKind, JobCommand, JobRun
from app.scheduler.runner import setting


@dataclass
class JobRow:
    spec: registry.JobSpec
    in_store: bool
    next_run_at: datetime | None
    last_run: JobRun | None
    pending: list[JobCommand]

    @property
    def paused(self) -> bool:
        return self.in_store and self.next_run_at is None


def jobstore_table() -> sa.Table:
    """APScheduler's table as the web reads it; kept out of the app's metadata on purpose."""
    return sa.Table(setting(current_app, "SCHEDULER_JOBSTORE_TABLE"), sa.MetaData(),
                    sa.Column("id", sa.Unicode(191), primary_key=True),
                    sa.Column("next_run_time", sa.Float(25)))


def _stored_next_runs() -> dict[str, float | None]:
    table = jobstore_table()
    if not sa.inspect(db.session.connection()).has_table(table.name):
        return {}  # no scheduler has started yet
    rows = db.session.execute(sa.select(table.c.id, table.c.next_run_time))
    return {job_id: next_run for job_id, next_run in rows}


def job_overview() -> list[JobRow]:
    stored = _stored_next_runs()
    last_ids = sa.select(sa.func.max(JobRun.id)).group_by(JobRun.job_id)
    last = {run.job_id: run for run in db.session.scalars(
        sa.select(JobRun).where(JobRun.id.in_(last_ids)))}
    pending: dict[str, list[JobCommand]] = {}
    for command in db.session.scalars(sa.select(JobCommand).where(JobCommand.done_at.is_(None))
                                      .order_by(JobCommand.id)):
        pending.setdefault(command.job_id, []).append(command)
    rows = []
    for spec in registry.registered_jobs():
        timestamp = stored.get(spec.id)
        rows.append(JobRow(spec, spec.id in stored,
                           datetime.fromtimestamp(timestamp, UTC) if timestamp else None,
                           last.get(spec.id), pending.get(spec.id, [])))
    return rows


def recent_runs() -> sa.Select:
    return sa.select(JobRun).order_by(JobRun.id.desc())


def request_command(job_id: str, command: CommandKind, user) -> JobCommand:
    if registry.get_job(job_id) is None:
        raise NotFound(_("No such job."))
    row = JobCommand(job_id=job_id, command=command,
                     requested_by_id=user.id if user is not None else None)
    db.session.add(row)
    db.session.flush()
    return row
