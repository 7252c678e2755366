"""The queue of long work: one worker per task, takeover of a silent worker's task, failures
recorded, a stopping worker's task given back, and ``flask worker run``/``status``."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import clock, create_app
from app.extensions import db as db_
from app.regions.models import Level, Region
from app.regions.services import create_region
from app.worker import queue, registry
from app.worker.models import QueuedTask, TaskStatus
from app.worker.queue import ClaimLost
from app.worker.runner import WorkerHost
from config import TestingConfig
from tests.threads import WAIT, until

calls: list[tuple[str, int]] = []


def write_region(work) -> str:
    """A task kind of the tests: stores region 5100<ref>, left for the worker to commit."""
    calls.append(("run", work.ref_id))
    work.check()
    create_region(f"51{work.ref_id:04d}", "任务写入", Level.CITY, None)
    return f"region {work.ref_id}"


def explode(work) -> None:
    calls.append(("run", work.ref_id))
    raise RuntimeError("boom")


def flaky(work) -> str:
    """Meets the database away on its first run."""
    calls.append(("run", work.ref_id))
    if len(calls) == 1:
        raise sa.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError(
            "database is locked"))
    return "ran after the outage"


def times_out(work) -> None:
    """Runs longer than the database lets a statement run, on every try."""
    calls.append(("run", work.ref_id))
    db_.session.execute(sa.text("SET LOCAL statement_timeout = '20ms'"))
    db_.session.execute(sa.text("SELECT pg_sleep(1)"))


def note_failure(ref_id: int, message: str) -> None:
    calls.append(("fail", ref_id))


@pytest.fixture(autouse=True)
def kinds():
    calls.clear()
    registry.register_task("test.region", write_region)
    registry.register_task("test.explode", explode, fail=note_failure)
    registry.register_task("test.flaky", flaky, fail=note_failure)
    registry.register_task("test.times_out", times_out, fail=note_failure)
    yield
    for kind in ("test.region", "test.explode", "test.flaky", "test.times_out"):
        registry._kinds.pop(kind, None)


def queued(db, kind: str, ref_id: int) -> QueuedTask:
    task = queue.enqueue(kind, ref_id)
    db.session.commit()
    return task


def fresh(db, task_id: int) -> QueuedTask:
    db.session.rollback()
    return db.session.get(QueuedTask, task_id)


def regions(db) -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(sa.select(Region.code)))


def test_a_queued_task_runs_once_and_is_recorded(app, db):
    task = queued(db, "test.region", 1)
    assert WorkerHost(app).run(once=True) == 1
    done = fresh(db, task.id)
    assert (done.status, done.attempts, done.message) == (TaskStatus.DONE, 1, "region 1")
    assert done.finished_at is not None and regions(db) == {"510001"}
    assert WorkerHost(app).run(once=True) == 0  # nothing left
    assert calls == [("run", 1)]


def test_enqueue_refuses_an_unknown_kind(db):
    with pytest.raises(ValueError):
        queue.enqueue("test.nope", 1)


def test_two_workers_never_hold_the_same_task(app, db):
    first, second = queued(db, "test.region", 1), queued(db, "test.region", 2)
    a = queue.claim("worker-a", stale_after=60)
    b = queue.claim("worker-b", stale_after=60)
    c = queue.claim("worker-c", stale_after=60)
    assert (a.id, b.id, c) == (first.id, second.id, None)
    assert fresh(db, first.id).claimed_by == "worker-a"


def test_a_silent_workers_task_is_taken_over_and_the_old_claim_commits_nothing(app, db):
    now = [clock.now()]
    clock.set_clock(lambda: now[0])
    task = queued(db, "test.region", 1)
    assert queue.claim("dead", stale_after=60).id == task.id
    now[0] += timedelta(seconds=30)
    assert queue.claim("alive", stale_after=60) is None  # its heartbeat is still fresh
    now[0] += timedelta(seconds=31)
    taken = queue.claim("alive", stale_after=60)
    assert (taken.id, taken.attempts, taken.claimed_by) == (task.id, 2, "alive")
    create_region("519999", "迟到的写入", Level.CITY, None)
    with pytest.raises(ClaimLost):
        queue.confirm(task.id, "dead")  # the dead worker woke up: it must not commit
    db.session.rollback()
    assert "519999" not in regions(db)


def test_a_failing_task_is_failed_once_and_its_row_told(app, db):
    task = queued(db, "test.explode", 7)
    WorkerHost(app).run(once=True)
    failed = fresh(db, task.id)
    assert failed.status is TaskStatus.FAILED and failed.message == "RuntimeError: boom"
    assert calls == [("run", 7), ("fail", 7)]


def test_an_outage_during_a_task_gives_it_back_instead_of_failing_it(app, db):
    task = queued(db, "test.flaky", 9)
    assert WorkerHost(app).run(once=True) == 2  # given back, then run again
    done = fresh(db, task.id)
    assert (done.status, done.attempts, done.message) == (TaskStatus.DONE, 1,
                                                          "ran after the outage")
    assert calls == [("run", 9), ("run", 9)]  # never failed


def test_a_statement_the_database_cancels_fails_the_task_not_the_database(app, db):
    """A statement timeout is the task's own failure, not an outage: taken for one, the task
    was given back uncounted and run again at once, for ever, ahead of every other task."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a statement timeout is PostgreSQL's")
    task = queued(db, "test.times_out", 6)
    host = WorkerHost(app)
    worker = threading.Thread(target=host.run, kwargs={"once": True})
    worker.start()
    until(lambda: not worker.is_alive() or len(calls) >= 5)  # it ends, or runs it for ever
    host.stop.set()
    worker.join(WAIT)
    failed = fresh(db, task.id)
    assert failed.status is TaskStatus.FAILED and "statement timeout" in failed.message
    assert calls == [("run", 6), ("fail", 6)]


def test_a_task_that_keeps_killing_its_worker_is_given_up(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WORKER_MAX_ATTEMPTS", 3)
    task = queued(db, "test.explode", 8)
    db.session.execute(sa.update(QueuedTask).values(attempts=3))  # three deaths already
    db.session.commit()
    WorkerHost(app).run(once=True)
    given_up = fresh(db, task.id)
    assert given_up.status is TaskStatus.FAILED and "given up" in given_up.message
    assert calls == [("fail", 8)]  # not run a fourth time


def test_a_stopping_worker_gives_its_task_back(app, db):
    task = queued(db, "test.region", 3)
    host = WorkerHost(app)
    claimed = queue.claim(host.name, stale_after=60)
    db.session.remove()
    host.stop.set()  # SIGTERM while the task runs: it stops at its next check
    host._run(claimed)
    back = fresh(db, task.id)
    assert (back.status, back.claimed_by, back.attempts) == (TaskStatus.QUEUED, None, 0)
    assert regions(db) == set()
    assert WorkerHost(app).run(once=True) == 1 and fresh(db, task.id).attempts == 1


def test_cli_runs_the_queue_and_reports_it(app, db):
    queued(db, "test.region", 4)
    result = app.test_cli_runner().invoke(args=["worker", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "stopped after 1 task(s)" in result.output
    status = app.test_cli_runner().invoke(args=["worker", "status"])
    assert "test.region\tdone\t1" in status.output


@pytest.mark.parametrize("args, why", [
    (["--poll", "0"], "--poll"), (["--heartbeat", "-1"], "--heartbeat"),
    (["--retry-max", "0"], "--retry-max"), (["--max-attempts", "0"], "--max-attempts"),
    (["--heartbeat", "5", "--stale-after", "8"], "must be more than twice --heartbeat"),
    (["--stale-after", "10"], "must be more than twice --heartbeat (5 s)"),
])
def test_cli_refuses_settings_that_spin_or_steal_tasks(app, db, args, why):
    """No wait spun a hot loop on the database; a task "stale" before its next heartbeat was
    taken over from the worker still running it."""
    result = app.test_cli_runner().invoke(args=["worker", "run", "--once", *args])
    assert result.exit_code == 2 and why in result.output and "starting" not in result.output
    assert not any(name.startswith("WORKER_") for name in app.config)


def test_on_postgresql_workers_claim_side_by_side_without_waiting(app, db):
    """A task locked by one worker's claim is skipped by another (FOR UPDATE SKIP LOCKED)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises the claims")
    first, second = queued(db, "test.region", 1), queued(db, "test.region", 2)
    with db.engine.connect() as other:
        other.execute(sa.text("SET lock_timeout = '2s'"))
        other.execute(sa.select(QueuedTask.id).where(QueuedTask.id == first.id)
                      .with_for_update())  # another worker is in the middle of claiming it
        claimed = queue.claim("worker-b", stale_after=60)
        assert claimed.id == second.id
        other.rollback()


def test_the_migration_queues_the_batches_the_old_threads_left_unfinished(tmp_path):
    """Upgrading an existing database: a batch a web worker's thread left "running" forever
    gets a task, so that a worker finishes it; the downgrade takes the tables away again."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite3'}"

    own = create_app(Config)
    with own.app_context():
        upgrade(revision="0007")
        with db_.engine.begin() as conn:  # SQLite does not enforce the campaign's foreign key
            for status in ("running", "queued", "done"):
                conn.execute(sa.text(
                    "INSERT INTO scorecard_batches (campaign_id, locale, status, total, done, "
                    "error, created_at) VALUES (1, 'zh_CN', :s, 40, 17, '', CURRENT_TIMESTAMP)"),
                    {"s": status})
        upgrade(revision="0008")
        with db_.engine.connect() as conn:
            tasks = conn.execute(sa.text("SELECT kind, ref_id, status FROM queued_tasks "
                                         "ORDER BY ref_id")).all()
        kind = "reports.campaign_scorecards"
        assert tasks == [(kind, 1, "queued"), (kind, 2, "queued")]
        downgrade(revision="0007")
        with db_.engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
        assert "queued_tasks" not in names and "household_uploads" not in names
        assert "scorecard_batches" in names
        db_.engine.dispose()
