"""The scheduler outlives the database: two real ``flask scheduler run`` processes on a
PostgreSQL cluster of the test's own, which the test stops and starts under them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.scheduler.models import JobRun
from tests.core.outage_log import logged_once_per_outage
from tests.core.pg_cluster import pg_cluster  # noqa: F401 - the fixture
from tests.threads import until

ROOT = Path(__file__).resolve().parents[2]


def _spawn(tmp_path: Path, name: str, url: str, lock_key: int) -> subprocess.Popen:
    env = dict(os.environ, FLASK_APP="tests.core.test_sched_app:create_app",
               FLASK_CONFIG="development", DATABASE_URL=url,
               INSTANCE_PATH=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
               CAREPROCURE_TEST_TICK="1", SCHEDULER_HEARTBEAT_SECONDS="0.5",
               SCHEDULER_LOCK_TIMEOUT_SECONDS="3", SCHEDULER_STANDBY_RETRY_SECONDS="0.5",
               SCHEDULER_COMMAND_POLL_SECONDS="0.5", SCHEDULER_LOCK_KEY=str(lock_key),
               SCHEDULER_RETRY_FIRST_SECONDS="0.5", SCHEDULER_RETRY_MAX_SECONDS="2")
    env.pop("TEST_DATABASE_URL", None)
    with (tmp_path / f"{name}.log").open("w") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT)


def _count(path: Path, text: str) -> int:
    return path.read_text().count(text)


def _ticks_since(engine: sa.Engine, moment: datetime) -> list[str]:
    try:
        with engine.connect() as conn:
            return list(conn.scalars(sa.select(JobRun.message).where(
                JobRun.job_id == "test.tick", JobRun.status == "ok",
                JobRun.started_at > moment)))
    except sa.exc.OperationalError:
        return []


@pytest.mark.slow
def test_schedulers_wait_out_a_database_outage_and_run_jobs_again(tmp_path, pg_cluster):  # noqa: F811
    engine = sa.create_engine(pg_cluster.url, pool_pre_ping=True)
    _db.metadata.create_all(engine)
    logs = {name: tmp_path / f"{name}.log" for name in ("first", "second")}
    processes = {}
    started = datetime.now(UTC)
    try:
        key = int(uuid.uuid4().int % 2**31)
        processes["first"] = _spawn(tmp_path, "first", pg_cluster.url, key)
        assert until(lambda: _ticks_since(engine, started), time.monotonic() + 60), \
            logs["first"].read_text()
        processes["second"] = _spawn(tmp_path, "second", pg_cluster.url, key)
        assert until(lambda: "standing by" in logs["second"].read_text(),
                     time.monotonic() + 60), logs["second"].read_text()

        pg_cluster.stop()  # sessions cut, new connections refused
        stopped = time.monotonic()
        # the old code died at its first failed call; these keep trying, several times each
        for name in ("first", "second"):
            assert until(lambda n=name: _count(logs[n], "Database still unavailable") >= 5,
                         time.monotonic() + 90), logs[name].read_text()
        down_for = time.monotonic() - stopped
        assert all(p.poll() is None for p in processes.values()), \
            {n: logs[n].read_text() for n in logs}

        pg_cluster.start()
        restarted = datetime.now(UTC)
        ticks = until(lambda: _ticks_since(engine, restarted), time.monotonic() + 90)
        assert ticks, {n: logs[n].read_text() for n in logs}
        recovered = (datetime.now(UTC) - restarted).total_seconds()
        assert all(p.poll() is None for p in processes.values())
        for name in ("first", "second"):
            text = logs[name].read_text()
            assert logged_once_per_outage(text), text  # not once per refused call
            assert "Traceback" not in text, text
        print(f"\nscheduler outage: database down {down_for:.1f} s; both processes alive; "
              f"jobs ran again {recovered:.1f} s after the restart")

        for process in processes.values():  # they exit when told to, and only then
            process.send_signal(signal.SIGTERM)
        for name, process in processes.items():
            assert process.wait(30) == 0, logs[name].read_text()
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)
        engine.dispose()
