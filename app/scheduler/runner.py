"""Running jobs: the recorded execution of one job, and the host loop of ``flask scheduler run``.

APScheduler stores, for every registered job, a call to :func:`execute_scheduled` with the
job's id; the registry says which function that means today. So the job store never holds a
reference to a function that was renamed, and a job dropped from the registry is removed from
the store when the scheduler starts.

The host outlives the database: every call it makes (the lock, the job store, the commands)
is retried with a growing delay while the database is away, and the process ends only when
told to (SIGTERM, Ctrl-C). A leader that loses its lock in an outage goes back to standby and
tries again; whichever process gets the lock first when the database is back leads.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

import sqlalchemy as sa
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from app import clock
from app.extensions import db
from app.outage import QuietOutage, first_line, is_unavailable, state
from app.retry import FIRST_DELAY, MAX_DELAY, Backoff, Stopped
from app.scheduler import registry
from app.scheduler.leader import DEFAULT_LOCK_KEY, LeaderLock, make_lock
from app.scheduler.models import CommandKind, JobCommand, JobRun, RunStatus
from app.scheduler.store import OutageTolerantJobStore

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "SCHEDULER_HEARTBEAT_SECONDS": 10.0,  # refresh the lock this often
    "SCHEDULER_LOCK_TIMEOUT_SECONDS": 30.0,  # a lock row older than this is free (SQLite)
    "SCHEDULER_STANDBY_RETRY_SECONDS": 5.0,  # a standby tries the lock this often
    "SCHEDULER_COMMAND_POLL_SECONDS": 2.0,  # the leader reads job_commands this often
    "SCHEDULER_LOCK_KEY": DEFAULT_LOCK_KEY,  # PostgreSQL advisory lock key
    "SCHEDULER_JOBSTORE_TABLE": "apscheduler_jobs",
    "SCHEDULER_RETRY_FIRST_SECONDS": FIRST_DELAY,  # the first wait after a failed try
    "SCHEDULER_RETRY_MAX_SECONDS": MAX_DELAY,  # the longest wait between tries
}


def setting(app: Flask, name: str) -> Any:
    return app.config.get(name, DEFAULTS[name])


# ---- one recorded execution ---------------------------------------------------------------

_app: Flask | None = None
_host: SchedulerHost | None = None


def execute_scheduled(job_id: str) -> None:
    """What the job store calls (module level, picklable by reference)."""
    if _app is None:
        raise RuntimeError("the scheduler host did not bind an application")
    run_job(_app, job_id)


def execute_manual(job_id: str) -> None:
    if _app is None:
        raise RuntimeError("the scheduler host did not bind an application")
    run_job(_app, job_id, manual=True)


def run_job(app: Flask, job_id: str, *, manual: bool = False) -> JobRun:
    """Run a registered job in its own app context and record the run; never raises."""
    with app.app_context():
        started, t0 = clock.now(), time.monotonic()
        status, message = RunStatus.OK, ""
        spec = registry.get_job(job_id)
        try:
            if spec is None:
                status, message = RunStatus.SKIPPED, "not in the registry"
            elif _host is not None and not _host.is_leader:
                status, message = RunStatus.SKIPPED, "this process is no longer the leader"
            else:
                result = registry.resolve(spec.func_path)()
                db.session.commit()  # a no-op when the job committed itself, as it should
                message = "" if result is None else str(result)
        except registry.JobSkipped as skipped:
            db.session.rollback()
            status, message = RunStatus.SKIPPED, str(skipped)
        except Exception as error:
            _rollback()
            if is_unavailable(error):  # logged once for the whole outage
                state.failed(error, "the scheduler's jobs")
            else:
                log.exception("Job %s failed", job_id)
            status, message = RunStatus.ERROR, f"{type(error).__name__}: {error}"
        run = JobRun(job_id=job_id, started_at=started, finished_at=clock.now(), status=status,
                     message=message[:2000], duration_ms=int((time.monotonic() - t0) * 1000),
                     manual=manual)
        try:
            db.session.add(run)
            db.session.commit()
            db.session.refresh(run)
            db.session.expunge(run)
        except Exception as error:  # noqa: BLE001 - the record is lost, the process is not
            _rollback()
            log.warning("Could not record the run of %s (%s): %s", job_id, status.value,
                        first_line(error))
        return run


def _rollback() -> None:
    with contextlib.suppress(Exception):  # a lost connection has nothing left to undo
        db.session.rollback()


# ---- the host process ----------------------------------------------------------------------

def build_scheduler(app: Flask) -> BackgroundScheduler:
    """APScheduler with its job store in the application's database (its own table)."""
    # APScheduler logs a traceback each time its store fails; the outage is logged once
    quiet = QuietOutage("the scheduler")
    if quiet not in logging.getLogger("apscheduler.scheduler").filters:
        logging.getLogger("apscheduler.scheduler").addFilter(quiet)
    store = OutageTolerantJobStore(engine=db.engine,
                               tablename=setting(app, "SCHEDULER_JOBSTORE_TABLE"))
    return BackgroundScheduler(
        jobstores={"default": store, "memory": MemoryJobStore()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
        timezone=clock.LOCAL_TZ)


def sync_jobs(scheduler: BackgroundScheduler) -> None:
    """Make the job store match the registry; keep what an admin paused paused."""
    wanted = {spec.id: spec for spec in registry.registered_jobs()}
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id not in wanted:
            log.info("Removing job %s, no longer registered", job.id)
            scheduler.remove_job(job.id, jobstore="default")
    for spec in wanted.values():
        existing = scheduler.get_job(spec.id, jobstore="default")
        name = f"{spec.id} {spec.fingerprint}"
        if existing is not None and existing.name == name:
            continue  # unchanged: keep its next run time (and its pause)
        trigger = dict(spec.trigger)
        scheduler.add_job(execute_scheduled, trigger.pop("trigger"), args=[spec.id], id=spec.id,
                          name=name, jobstore="default", replace_existing=True, **trigger)
        if existing is not None and existing.next_run_time is None:
            scheduler.pause_job(spec.id, jobstore="default")


def process_commands(scheduler: BackgroundScheduler) -> int:
    """Carry out pending admin commands, oldest first; return how many."""
    try:
        return _process_commands(scheduler)
    except Exception as error:
        _rollback()
        if not is_unavailable(error):
            raise
        state.failed(error, "the scheduler")  # the lock's heartbeat decides what happens next
        return 0


def _process_commands(scheduler: BackgroundScheduler) -> int:
    commands = db.session.scalars(sa.select(JobCommand).where(JobCommand.done_at.is_(None))
                                  .order_by(JobCommand.id)).all()
    for command in commands:
        command.outcome = _apply(scheduler, command)
        command.done_at = clock.now()
        log.info("Command %s on %s: %s", command.command, command.job_id, command.outcome)
    db.session.commit()
    return len(commands)


def _apply(scheduler: BackgroundScheduler, command: JobCommand) -> str:
    if registry.get_job(command.job_id) is None:
        return "unknown job"
    try:
        if command.command is CommandKind.RUN_NOW:
            scheduler.add_job(execute_manual, "date", args=[command.job_id],
                              id=f"run-now:{command.id}", jobstore="memory",
                              misfire_grace_time=None)
        elif command.command is CommandKind.PAUSE:
            scheduler.pause_job(command.job_id, jobstore="default")
        else:
            scheduler.resume_job(command.job_id, jobstore="default")
    except JobLookupError:
        return "job not in the job store"
    return "done"


class SchedulerHost:
    """Wait for the leader lock, then schedule; give the lock up (and stop) if it is lost."""

    def __init__(self, app: Flask, lock: LeaderLock | None = None):
        self.app = app
        self.heartbeat = float(setting(app, "SCHEDULER_HEARTBEAT_SECONDS"))
        self.standby_retry = float(setting(app, "SCHEDULER_STANDBY_RETRY_SECONDS"))
        self.command_poll = float(setting(app, "SCHEDULER_COMMAND_POLL_SECONDS"))
        with app.app_context():
            self.lock = lock or make_lock(
                db.engine, timeout=float(setting(app, "SCHEDULER_LOCK_TIMEOUT_SECONDS")),
                key=int(setting(app, "SCHEDULER_LOCK_KEY")))
        self.is_leader = False
        self.stop = threading.Event()
        self.backoff = Backoff(self.stop, what="the scheduler",
                               first=float(setting(app, "SCHEDULER_RETRY_FIRST_SECONDS")),
                               most=float(setting(app, "SCHEDULER_RETRY_MAX_SECONDS")))

    def run(self) -> None:
        """Stand by or lead until :attr:`stop` is set; outages and errors are waited out."""
        global _app, _host
        _app, _host = self.app, self
        announced = False
        while not self.stop.is_set():
            try:
                with self.app.app_context():
                    leading = self.backoff.attempt(self.lock.acquire)
                    if leading:
                        announced = False
                        self._lead()
                        self.backoff.succeeded()
                        continue
            except Stopped:
                break
            except Exception as error:  # leading failed to start or went wrong: try again
                try:
                    self.backoff.wait(error)
                except Stopped:
                    break
                continue
            if not announced:
                log.info("Another scheduler holds the lock; standing by")
                announced = True
            self.stop.wait(self.standby_retry)

    def _lead(self) -> None:
        log.info("Holding the scheduler lock; starting the scheduler")
        self.is_leader = True
        scheduler = build_scheduler(self.app)
        try:
            scheduler.start(paused=True)
            sync_jobs(scheduler)
            scheduler.resume()
            last_beat = time.monotonic()
            while not self.stop.wait(min(self.heartbeat, self.command_poll)):
                if time.monotonic() - last_beat >= self.heartbeat:
                    if not self.lock.refresh():
                        log.warning("Lost the scheduler lock; going back to standby")
                        break
                    last_beat = time.monotonic()
                try:
                    process_commands(scheduler)
                except Exception:
                    _rollback()
                    log.exception("Could not process the scheduler commands")
        finally:
            self.is_leader = False
            if scheduler.running:
                scheduler.shutdown(wait=True)
            self.lock.release()
            with contextlib.suppress(Exception):
                db.session.remove()
