"""The scheduler's job store: APScheduler's own, in the application's database, surviving an
outage in the scheduler's loop.

APScheduler (3.x) catches a failed read of the due jobs, logs it and tries again shortly, but
not a failed update of a job just run or read of the next run time: either ended its loop's
thread with a traceback when the database went away between two reads. Here both outlive an
outage the same way. Standing the scheduler down is the leader lock's business
(:mod:`app.scheduler.leader`): it notices the lost connection and stops this scheduler.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from app.outage import is_unavailable

#: how soon the loop looks again after the database failed it (APScheduler's own default)
RETRY = timedelta(seconds=10)


class OutageTolerantJobStore(SQLAlchemyJobStore):
    def get_next_run_time(self) -> datetime | None:
        try:
            return super().get_next_run_time()
        except Exception as error:
            if not is_unavailable(error):
                raise
            return datetime.now(UTC) + RETRY

    def update_job(self, job) -> None:
        try:
            super().update_job(job)
        except Exception as error:
            if not is_unavailable(error):
                raise
            # not stored: the job is due again when the database is back, and runs once then
            # (coalesced), which is what a missed run gets anyway
