"""The scheduler host: recorded runs, the job registry in APScheduler's store, the admin page,
and one leader among real ``flask scheduler run`` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import clock
from app.auth.models import LoginAttempt
from app.extensions import db as _db
from app.regions.models import Level, Region
from app.regions.services import create_region
from app.scheduler import jobs as core_jobs
from app.scheduler import registry, runner
from app.scheduler.leader import RowLock
from app.scheduler.models import CommandKind, JobCommand, JobRun, RunStatus, SchedulerLock
from tests.clients import Browser, IsolatedClient
from tests.postgresql import postgresql_only
from tests.threads import until

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sapp(test_config):
    """An app of its own: APScheduler's SQLAlchemyJobStore disposes the engine it is given when
    the scheduler shuts down, which must not be the engine the rest of the suite holds
    connections from."""
    from app import create_app

    own = create_app(test_config)
    own.test_client_class = IsolatedClient
    yield own
    with own.app_context():
        _db.engine.dispose()


@pytest.fixture
def probe_jobs():
    registry.register_job("test.ok", "tests.core.test_scheduler:job_ok", {"trigger": "cron",
                                                                         "hour": 6})
    registry.register_job("test.fail", "tests.core.test_scheduler:job_fail",
                          {"trigger": "interval", "minutes": 5})
    registry.register_job("test.skip", "tests.core.test_scheduler:job_skip",
                          {"trigger": "interval", "minutes": 5})
    yield
    for job_id in ("test.ok", "test.fail", "test.skip"):
        registry.unregister_job(job_id)


def job_ok() -> str:
    create_region("500000", "任务写入", Level.CITY, None)
    _db.session.commit()
    return "wrote one region"


def job_fail() -> None:
    create_region("500001", "不应保存", Level.CITY, None)
    _db.session.flush()
    raise RuntimeError("boom")


def job_skip() -> None:
    raise registry.JobSkipped("nothing due")


def _regions() -> set[str]:
    return set(_db.session.scalars(sa.select(Region.code)))


# ---- recorded runs -------------------------------------------------------------------------

def test_every_run_is_recorded_with_its_outcome(app, db, probe_jobs):
    clock.set_clock(lambda: T0)
    ok = runner.run_job(app, "test.ok")
    failed = runner.run_job(app, "test.fail")
    skipped = runner.run_job(app, "test.skip")
    unknown = runner.run_job(app, "test.nope")
    assert (ok.status, ok.message) == (RunStatus.OK, "wrote one region")
    assert failed.status is RunStatus.ERROR and "RuntimeError: boom" in failed.message
    assert (skipped.status, skipped.message) == (RunStatus.SKIPPED, "nothing due")
    assert unknown.status is RunStatus.SKIPPED
    assert _regions() == {"500000"}  # the failed job's work was rolled back
    runs = db.session.scalars(sa.select(JobRun).order_by(JobRun.id)).all()
    assert [r.job_id for r in runs] == ["test.ok", "test.fail", "test.skip", "test.nope"]
    assert all(r.started_at == T0 and r.finished_at == T0 and r.duration_ms >= 0 for r in runs)


def test_prune_old_login_attempts_keeps_thirty_days(app, db):
    clock.set_clock(lambda: T0)
    for days in (31, 29):
        db.session.add(LoginAttempt(email="a@example.cn", ip_address="127.0.0.1",
                                    succeeded=False, at=T0 - timedelta(days=days)))
    db.session.commit()
    assert registry.get_job("core.prune_old_login_attempts").func_path.startswith(
        core_jobs.__name__)
    run = runner.run_job(app, "core.prune_old_login_attempts")
    assert run.status is RunStatus.OK and run.message == "1 login attempt(s) deleted"
    left = db.session.scalars(sa.select(LoginAttempt.at)).all()
    assert left == [T0 - timedelta(days=29)]


def test_cli_run_job(sapp, db):
    result = sapp.test_cli_runner().invoke(args=["scheduler", "run-job",
                                                 "notifications.retry_failed_emails"])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output
    assert db.session.scalar(sa.select(JobRun.job_id)) == "notifications.retry_failed_emails"
    unknown = sapp.test_cli_runner().invoke(args=["scheduler", "run-job", "nope"])
    assert unknown.exit_code != 0 and "No job" in unknown.output


@pytest.mark.parametrize("args, why", [
    (["--heartbeat", "0"], "--heartbeat"), (["--command-poll", "-1"], "--command-poll"),
    (["--standby-retry", "0"], "--standby-retry"), (["--retry-first", "0"], "--retry-first"),
    (["--lock-key", str(2**63)], "--lock-key"),
    (["--heartbeat", "10", "--lock-timeout", "15"], "must be more than twice --heartbeat"),
    (["--lock-timeout", "20"], "must be more than twice --heartbeat (10 s)"),
])
def test_cli_refuses_settings_that_spin_or_make_two_leaders(app, db, monkeypatch, args, why):
    """No wait spun a hot loop on the database; a lock row free before the leader's next
    heartbeat let a standby lead beside it (jobs fired twice); a key beyond a bigint failed
    every try of the lock, for ever."""
    started = []
    monkeypatch.setattr(runner, "SchedulerHost", lambda app: started.append(app) or _Idle())
    result = app.test_cli_runner().invoke(args=["scheduler", "run", *args])
    assert result.exit_code == 2 and why in result.output and not started
    assert not any(name.startswith("SCHEDULER_") for name in app.config)


class _Idle:
    stop = None

    def run(self):
        pass


# ---- the SQLite lock row -------------------------------------------------------------------

def test_row_lock_is_exclusive_until_its_heartbeat_is_stale(app, db):
    now = [T0]
    clock.set_clock(lambda: now[0])
    first = RowLock(db.engine, "first", timeout=30)
    second = RowLock(db.engine, "second", timeout=30)
    assert first.acquire() and not second.acquire()
    now[0] += timedelta(seconds=20)
    assert first.refresh() and not second.acquire()
    now[0] += timedelta(seconds=31)  # the first went silent
    assert second.acquire()
    assert not first.refresh()  # and learns it lost the lock
    second.release()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SchedulerLock)) == 0


# ---- the job store, commands and the admin page ---------------------------------------------

@pytest.fixture
def store(sapp, db, probe_jobs):
    """A scheduler on the test database, paused, its job store synced with the registry."""
    with sapp.app_context():
        scheduler = runner.build_scheduler(sapp)
        scheduler.start(paused=True)
        runner.sync_jobs(scheduler)
    yield scheduler
    scheduler.shutdown(wait=False)
    with sapp.app_context():
        _db.session.remove()
    _db.session.rollback()
    with _db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS apscheduler_jobs"))


def _admin(sapp, make_user, role="admin") -> Browser:
    user = make_user(role)
    browser = Browser(sapp.test_client())
    assert browser.login(user).status_code == 302
    return browser


def _process(sapp, scheduler) -> None:
    with sapp.app_context():
        runner.process_commands(scheduler)


def test_admin_sees_jobs_with_next_runs_and_recent_runs(sapp, app, db, make_user, store):
    runner.run_job(app, "test.fail")
    browser = _admin(sapp, make_user)
    page = browser.get("/admin/scheduler/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for job_id in ("test.ok", "test.fail", "notifications.retry_failed_emails",
                   "core.prune_old_login_attempts"):
        assert f'data-job="{job_id}"' in html
    assert "Not scheduled yet" not in html and "Paused" not in html
    assert "RuntimeError: boom" in html and ">Failed<" in html and ">error<" not in html
    assert "Every day at 06:00" in html and "Every 5 minutes" in html
    assert "<code>cron" not in html


def test_schedules_read_as_words_in_chinese(sapp, db, make_user, store):
    browser = _admin(sapp, make_user)
    browser.get("/admin/scheduler/")
    browser.post("/language", {"locale": "zh_CN", "next": "/"})
    html = browser.get("/admin/scheduler/").get_data(as_text=True)
    assert "每天 06:00" in html and "每 5 分钟" in html and "hour=" not in html


def test_triggers_in_words(app):
    from app.scheduler.describe import describe_trigger

    with app.test_request_context():
        assert describe_trigger({"trigger": "cron", "hour": 7, "minute": 5}) == \
            "Every day at 07:05"
        assert describe_trigger({"trigger": "cron", "day_of_week": "mon", "hour": 8}) == \
            "Every Monday at 08:00"
        assert describe_trigger({"trigger": "cron", "day": 1, "hour": 2}) == \
            "On day 1 of each month at 02:00"
        assert describe_trigger({"trigger": "interval", "hours": 1}) == "Every hour"
        assert describe_trigger({"trigger": "cron", "hour": "*/2"}) is None


def test_pause_resume_and_run_now_go_through_the_scheduler_process(sapp, db, make_user, store):
    browser = _admin(sapp, make_user)
    browser.get("/admin/scheduler/")
    assert browser.post("/admin/scheduler/jobs/test.ok/pause", csrf=False).status_code == 400
    assert browser.post("/admin/scheduler/jobs/nope/pause").status_code == 404
    assert browser.post("/admin/scheduler/jobs/test.ok/pause").status_code == 302
    assert "Pending: Pause" in browser.get("/admin/scheduler/").get_data(as_text=True)
    assert store.get_job("test.ok").next_run_time is not None  # not until the scheduler acts

    _process(sapp, store)
    assert store.get_job("test.ok").next_run_time is None
    assert "Paused" in browser.get("/admin/scheduler/").get_data(as_text=True)
    with sapp.app_context():
        runner.sync_jobs(store)  # a restart keeps the pause
    assert store.get_job("test.ok").next_run_time is None

    browser.post("/admin/scheduler/jobs/test.ok/resume")
    browser.post("/admin/scheduler/jobs/test.ok/run_now")
    _process(sapp, store)
    assert store.get_job("test.ok").next_run_time is not None
    commands = db.session.scalars(sa.select(JobCommand).order_by(JobCommand.id)).all()
    assert [(c.command, c.outcome) for c in commands] == [
        (CommandKind.PAUSE, "done"), (CommandKind.RESUME, "done"), (CommandKind.RUN_NOW, "done")]
    assert all(c.done_at is not None and c.requested_by_id for c in commands)
    run_now = store.get_job(f"run-now:{commands[-1].id}")
    assert run_now is not None and run_now.args == ("test.ok",)


def test_sync_replaces_changed_jobs_and_drops_unregistered_ones(sapp, db, store):
    registry.register_job("test.ok", "tests.core.test_scheduler:job_ok",
                          {"trigger": "cron", "hour": 7})
    registry.unregister_job("test.skip")
    with sapp.app_context():
        runner.sync_jobs(store)
    assert "hour='7'" in str(store.get_job("test.ok").trigger)
    assert store.get_job("test.skip") is None


@pytest.mark.parametrize("role", ["officer", "inspector", "provider"])
def test_only_admins_reach_the_scheduler_page(sapp, db, make_user, role):
    browser = _admin(sapp, make_user, role)
    assert browser.get("/admin/scheduler/").status_code == 403
    assert browser.post("/admin/scheduler/jobs/core.prune_old_login_attempts/run_now"
                        ).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobCommand)) == 0


# ---- two real scheduler processes ----------------------------------------------------------

def _spawn(tmp_path: Path, name: str, database_url: str, lock_key: int) -> subprocess.Popen:
    env = dict(os.environ, FLASK_APP="tests.core.test_sched_app:create_app",
               FLASK_CONFIG="development", DATABASE_URL=database_url,
               INSTANCE_PATH=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
               CAREPROCURE_TEST_TICK="1", SCHEDULER_HEARTBEAT_SECONDS="0.5",
               SCHEDULER_LOCK_TIMEOUT_SECONDS="3", SCHEDULER_STANDBY_RETRY_SECONDS="0.5",
               SCHEDULER_COMMAND_POLL_SECONDS="0.5", SCHEDULER_LOCK_KEY=str(lock_key))
    env.pop("TEST_DATABASE_URL", None)
    with (tmp_path / f"{name}.log").open("w") as log:  # the child keeps its own copy
        return subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT)


def _first_row(engine: sa.Engine, stmt):
    with engine.connect() as conn:
        return conn.execute(stmt).first()


def _wait_for(engine: sa.Engine, stmt, deadline: float):
    return until(lambda: _first_row(engine, stmt), deadline, pause=0.2)


def _wait_for_log(path: Path, text: str, deadline: float) -> bool:
    return bool(until(lambda: text in path.read_text(), deadline, pause=0.2))


def _ticks_from(pid: int):
    return sa.select(JobRun.id).where(JobRun.job_id == "test.tick",
                                      JobRun.message == f"tick from {pid}")


def _leader_takeover(tmp_path: Path, engine: sa.Engine, url: str, lock_key: int) -> None:
    first = second = None
    try:
        first = _spawn(tmp_path, "first", url, lock_key)
        assert _wait_for(engine, _ticks_from(first.pid), time.monotonic() + 20), \
            (tmp_path / "first.log").read_text()
        second = _spawn(tmp_path, "second", url, lock_key)
        assert _wait_for_log(tmp_path / "second.log", "standing by", time.monotonic() + 60), \
            (tmp_path / "second.log").read_text()
        assert second.poll() is None, (tmp_path / "second.log").read_text()
        with engine.connect() as conn:
            assert conn.execute(_ticks_from(second.pid)).first() is None  # idle
            conn.execute(sa.insert(JobCommand.__table__).values(
                job_id="test.manual", command="run_now", created_at=clock.now(), outcome=""))
            conn.commit()
        manual = sa.select(JobRun.message).where(JobRun.job_id == "test.manual",
                                                 JobRun.manual.is_(True))
        assert _wait_for(engine, manual, time.monotonic() + 10) == (f"manual from {first.pid}",)

        first.send_signal(signal.SIGKILL)  # dies without releasing anything
        first.wait(10)
        killed_at = time.monotonic()
        assert _wait_for(engine, _ticks_from(second.pid), killed_at + 30), \
            (tmp_path / "second.log").read_text()
        assert time.monotonic() - killed_at < 30
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.mark.slow
def test_one_leader_among_scheduler_processes_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    engine = sa.create_engine(url)
    try:
        _db.metadata.create_all(engine)
        _leader_takeover(tmp_path, engine, url, lock_key=1)
    finally:
        engine.dispose()


@pytest.mark.slow
@postgresql_only("needs TEST_DATABASE_URL on PostgreSQL")
def test_one_leader_among_scheduler_processes_on_postgresql(tmp_path):
    schema = f"sched_{uuid.uuid4().hex[:10]}"
    base = sa.make_url(os.environ["TEST_DATABASE_URL"])
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    admin = sa.create_engine(base)
    engine = sa.create_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        _db.metadata.create_all(engine)
        # a key of its own, so that a real scheduler on this server is not disturbed
        _leader_takeover(tmp_path, engine, url.render_as_string(hide_password=False),
                         lock_key=int(uuid.uuid4().int % 2**31))
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
