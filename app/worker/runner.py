"""The worker process (``flask worker run``): claim a task, run it with a heartbeat, record the
outcome; wait out database outages; stop cleanly when told to.

A task whose worker is told to stop (SIGTERM) is interrupted at its next progress check and
given back to the queue, so that another worker resumes it at once. A task whose worker dies
(kill -9) keeps its claim until its heartbeat is older than ``WORKER_STALE_SECONDS``; then any
worker takes it over and resumes it. A task started more than ``WORKER_MAX_ATTEMPTS`` times
without finishing is failed, so that one poisoned task cannot crash workers forever.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.outage import first_line, is_unavailable, state
from app.retry import FIRST_DELAY, MAX_DELAY, Backoff, Stopped
from app.worker import queue
from app.worker.models import QueuedTask
from app.worker.queue import ClaimLost
from app.worker.registry import get_kind

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "WORKER_POLL_SECONDS": 1.0,  # look for new tasks this often when idle
    "WORKER_HEARTBEAT_SECONDS": 5.0,  # a running task's heartbeat
    "WORKER_STALE_SECONDS": 60.0,  # a running task silent this long is taken over
    "WORKER_MAX_ATTEMPTS": 3,  # starts of one task before it is failed
    "WORKER_RETRY_FIRST_SECONDS": FIRST_DELAY,
    "WORKER_RETRY_MAX_SECONDS": MAX_DELAY,
}


def setting(app: Flask, name: str) -> Any:
    return app.config.get(name, DEFAULTS[name])


class Interrupted(Exception):  # noqa: N818 - an outcome: the worker is stopping
    """The worker was told to stop: the task stops where it is and is resumed later."""


class Work:
    """What a task's function is given: the row to work on, and the means to report progress."""

    def __init__(self, task: QueuedTask, worker: str, stop: threading.Event,
                 lost: threading.Event):
        self.task_id, self.ref_id, self.attempt = task.id, task.ref_id, task.attempts
        self.worker, self._stop, self._lost = worker, stop, lost

    def check(self) -> None:
        """Between two steps: stop here if the worker is stopping or lost the task."""
        if self._lost.is_set():
            raise ClaimLost(f"task {self.task_id} was taken over by another worker")
        if self._stop.is_set():
            raise Interrupted

    def confirm(self) -> None:
        """Before committing a step: the task is still this worker's (see queue.confirm)."""
        self.check()
        queue.confirm(self.task_id, self.worker)


class Heartbeat(threading.Thread):
    """Beats for one running task on a connection of its own; sets ``lost`` when the task was
    taken over. A beat that fails (an outage; on SQLite, the task's own long write holding the
    file) is tried again at the next beat: the claim only goes stale after many missed beats."""

    def __init__(self, engine: sa.Engine, task_id: int, worker: str, interval: float):
        super().__init__(name=f"heartbeat-{task_id}", daemon=True)
        self.engine, self.task_id, self.worker, self.interval = engine, task_id, worker, interval
        self.lost = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            try:
                with self.engine.begin() as connection:
                    kept = queue.heartbeat(connection, self.task_id, self.worker)
            except Exception as error:  # noqa: BLE001 - never kill the task over a heartbeat
                log.warning("Heartbeat of task %s missed: %s", self.task_id, first_line(error))
                continue
            if not kept:
                log.warning("Task %s was taken over by another worker", self.task_id)
                self.lost.set()
                return


class WorkerHost:
    """Runs queued tasks one after another until :attr:`stop` is set."""

    def __init__(self, app: Flask, name: str | None = None):
        self.app = app
        self.name = name or queue.worker_name()
        self.stop = threading.Event()
        self.poll = float(setting(app, "WORKER_POLL_SECONDS"))
        self.heartbeat = float(setting(app, "WORKER_HEARTBEAT_SECONDS"))
        self.stale_after = float(setting(app, "WORKER_STALE_SECONDS"))
        self.max_attempts = int(setting(app, "WORKER_MAX_ATTEMPTS"))
        self.backoff = Backoff(self.stop, what="the worker",
                               first=float(setting(app, "WORKER_RETRY_FIRST_SECONDS")),
                               most=float(setting(app, "WORKER_RETRY_MAX_SECONDS")))

    def run(self, *, once: bool = False) -> int:
        """Run tasks until stopped (with ``once``: until none is waiting); returns how many ran."""
        ran = 0
        while not self.stop.is_set():
            try:
                with self.app.app_context():
                    task = self.backoff.attempt(self._claim)
                    if task is None:
                        if once:
                            break
                        self.stop.wait(self.poll)
                        continue
                    self._run(task)
                    ran += 1
            except Stopped:
                break
        return ran

    def _claim(self) -> QueuedTask | None:
        try:
            return queue.claim(self.name, stale_after=self.stale_after)
        finally:
            db.session.remove()

    def _run(self, task: QueuedTask) -> None:
        kind = get_kind(task.kind)
        label = f"task {task.id} ({task.kind} #{task.ref_id}, attempt {task.attempts})"
        if kind is None or task.attempts > self.max_attempts:
            why = (f"no task kind {task.kind!r} is registered" if kind is None else
                   f"started {task.attempts - 1} times without finishing; given up")
            log.error("%s failed: %s", label, why)
            self._settle(lambda: queue.fail(task.id, why))
            return
        log.info("Starting %s", label)
        beat = Heartbeat(db.engine, task.id, self.name, self.heartbeat)
        beat.start()
        try:
            message = kind.run(Work(task, self.name, self.stop, beat.lost))
            queue.finish(task.id, self.name, message)
            db.session.commit()
            log.info("Finished %s: %s", label, message or "done")
        except ClaimLost:
            _rollback()
            log.warning("Dropped %s: another worker took it over", label)
        except Interrupted:
            _rollback()
            log.info("Interrupted %s; it goes back to the queue", label)
            self._settle(lambda: queue.release(task.id, self.name), stopping=True)
        except Exception as error:  # noqa: BLE001 - recorded on the task and its row
            _rollback()
            if is_unavailable(error):
                state.failed(error, "the worker")
                self._settle(lambda: queue.release(task.id, self.name))
            else:
                log.exception("%s failed", label)
                why = f"{type(error).__name__}: {first_line(error)}"
                self._settle(lambda: queue.fail(task.id, why))
        finally:
            beat.done.set()
            beat.join(self.heartbeat + 5)
            with contextlib.suppress(Exception):
                db.session.remove()

    def _settle(self, step, *, stopping: bool = False) -> None:
        """Record an outcome, waiting out an outage; a stopping worker tries once (if the
        database is away, the stale heartbeat hands the task to another worker later)."""
        def commit_step():
            try:
                step()
                db.session.commit()
            except Exception:
                _rollback()
                raise

        if stopping:
            try:
                commit_step()
            except Exception as error:  # noqa: BLE001 - the heartbeat goes stale instead
                log.warning("Could not give the task back: %s", first_line(error))
            return
        self.backoff.attempt(commit_step)


def _rollback() -> None:
    with contextlib.suppress(Exception):  # a lost connection has nothing left to undo
        db.session.rollback()
