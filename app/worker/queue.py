"""The queue's operations over the database: enqueue (flush only, in the caller's unit of work),
and for the worker: claim, heartbeat, confirm, finish, fail, release.

Claiming: the oldest task that waits, or that runs with a heartbeat older than the stale time
(its worker died). On PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED`` lets workers claim side by
side without waiting on each other; everywhere the claim is a compare-and-set ``UPDATE`` that
repeats the condition, so of two workers reaching for the same row on SQLite (which locks the
whole file for a write) the second updates nothing and looks again.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.worker.models import QueuedTask, TaskStatus
from app.worker.registry import get_kind

log = logging.getLogger(__name__)

#: tries of a claim that another worker won before looking again at the next poll
CLAIM_TRIES = 5


class ClaimLost(Exception):  # noqa: N818 - an outcome: another worker holds the task now
    """The task was taken over by another worker; this one must not commit its work."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def enqueue(kind: str, ref_id: int) -> QueuedTask:
    """Queue ``kind`` for row ``ref_id``; it runs once the caller's transaction commits."""
    if get_kind(kind) is None:
        raise ValueError(f"no task kind {kind!r} is registered")
    task = QueuedTask(kind=kind, ref_id=ref_id)
    db.session.add(task)
    db.session.flush()
    return task


def set_on_row(model, ident: int, **values) -> None:
    """Set ``values`` on the row a task works on (its status, progress, outcome) with one
    UPDATE, without loading it, in the caller's transaction."""
    db.session.execute(sa.update(model).where(model.id == ident).values(**values)
                       .execution_options(synchronize_session=False))


def latest_task(kind: str, ref_id: int) -> QueuedTask | None:
    return db.session.scalar(sa.select(QueuedTask).where(QueuedTask.kind == kind,
                                                         QueuedTask.ref_id == ref_id)
                             .order_by(QueuedTask.id.desc()).limit(1))


def _claimable(stale_after: float):
    stale = clock.now() - timedelta(seconds=stale_after)
    return sa.or_(QueuedTask.status == TaskStatus.QUEUED,
                  sa.and_(QueuedTask.status == TaskStatus.RUNNING,
                          QueuedTask.heartbeat_at < stale))


def claim(worker: str, *, stale_after: float) -> QueuedTask | None:
    """Take the oldest claimable task for ``worker`` and commit the claim; None if none."""
    for _ in range(CLAIM_TRIES):
        stmt = (sa.select(QueuedTask.id).where(_claimable(stale_after))
                .order_by(QueuedTask.id).limit(1))
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        task_id = db.session.scalar(stmt)
        if task_id is None:
            db.session.rollback()
            return None
        now = clock.now()
        won = db.session.execute(
            sa.update(QueuedTask).where(QueuedTask.id == task_id, _claimable(stale_after))
            .values(status=TaskStatus.RUNNING, claimed_by=worker, heartbeat_at=now,
                    started_at=now, attempts=QueuedTask.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount == 1
        db.session.commit()
        if won:
            return db.session.get(QueuedTask, task_id)
    return None


def _held(task_id: int, worker: str):
    return sa.and_(QueuedTask.id == task_id, QueuedTask.claimed_by == worker,
                   QueuedTask.status == TaskStatus.RUNNING)


def heartbeat(connection: sa.Connection, task_id: int, worker: str) -> bool:
    """Refresh the heartbeat on a connection of its own; False if the task is no longer ours."""
    return connection.execute(sa.update(QueuedTask).where(_held(task_id, worker))
                              .values(heartbeat_at=clock.now())).rowcount == 1


def confirm(task_id: int, worker: str) -> None:
    """Inside the session's transaction: the task is still ours (else :class:`ClaimLost`).

    The row stays locked by this update until the commit (on PostgreSQL), so no other worker
    can take the task over between this check and the commit of the work it guards."""
    kept = db.session.execute(sa.update(QueuedTask).where(_held(task_id, worker))
                              .values(heartbeat_at=clock.now())
                              .execution_options(synchronize_session=False)).rowcount == 1
    if not kept:
        raise ClaimLost(f"task {task_id} was taken over by another worker")


def finish(task_id: int, worker: str, message: str | None) -> None:
    """Mark the task done, in the transaction holding its last step (flush only)."""
    confirm(task_id, worker)
    db.session.execute(sa.update(QueuedTask).where(QueuedTask.id == task_id)
                       .values(status=TaskStatus.DONE, finished_at=clock.now(),
                               message=(message or "")[:2000])
                       .execution_options(synchronize_session=False))


def fail(task_id: int, message: str) -> None:
    """Mark the task failed and tell its kind, so that its row shows why (flush only)."""
    task = db.session.get(QueuedTask, task_id)
    task.status, task.finished_at, task.message = TaskStatus.FAILED, clock.now(), message[:2000]
    kind = get_kind(task.kind)
    if kind is not None and kind.fail is not None:
        try:
            with db.session.begin_nested():
                kind.fail(task.ref_id, message)
        except Exception:  # the task is failed all the same; its row keeps its last state
            log.exception("Could not record the failure of task %s on its row", task_id)
    db.session.flush()


def release(task_id: int, worker: str) -> None:
    """Give an unfinished task back to the queue (this worker is stopping, or the database
    went away); the try does not count towards the limit of attempts."""
    db.session.execute(sa.update(QueuedTask).where(_held(task_id, worker))
                       .values(status=TaskStatus.QUEUED, claimed_by=None, heartbeat_at=None,
                               attempts=QueuedTask.attempts - 1)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def counts() -> dict[tuple[str, str], int]:
    """Tasks by (kind, status), for ``flask worker status``."""
    rows = db.session.execute(sa.select(QueuedTask.kind, QueuedTask.status, sa.func.count())
                              .group_by(QueuedTask.kind, QueuedTask.status))
    return {(kind, str(status)): n for kind, status, n in rows}
