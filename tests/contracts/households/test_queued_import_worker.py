"""A large import run by real ``flask worker run`` processes: killed with SIGKILL after every
record was inserted but before the commit, the database keeps none of them, and the next worker
imports the file exactly once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.worker.models import QueuedTask, TaskStatus
from contracts.households.models import HouseholdImport, HouseholdRecord, HouseholdUpload
from tests.factories import hh_csv, hh_id
from tests.threads import until

ROOT = Path(__file__).resolve().parents[3]
ROWS = 300


def _worker(test_config, tmp_path: Path, name: str, **env) -> subprocess.Popen:
    environment = dict(os.environ, FLASK_APP="tests.core.worker_app:create_app",
                       FLASK_CONFIG="development",
                       DATABASE_URL=test_config.SQLALCHEMY_DATABASE_URI,
                       UPLOAD_DIR=test_config.UPLOAD_DIR,
                       INSTANCE_PATH=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
                       WORKER_POLL_SECONDS="0.2", WORKER_HEARTBEAT_SECONDS="0.3",
                       WORKER_STALE_SECONDS="2",
                       CAREPROCURE_TEST_HOLD_MARKER=str(tmp_path / "held"), **env)
    environment.pop("TEST_DATABASE_URL", None)
    with (tmp_path / f"{name}.log").open("w") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "worker", "run"], cwd=ROOT,
                                env=environment, stdout=log, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_an_import_killed_before_its_commit_is_imported_once_by_the_next_worker(
        app, test_config, db, hh_contract, api_as, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "HOUSEHOLD_IMPORT_QUEUE_ROWS", 100)
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    data = hh_csv([{"id_number": hh_id(i)} for i in range(ROWS)])
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(data), "h.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 202
    status_url = response.get_json()["status_url"]

    def stored() -> int:
        db.session.rollback()
        return db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord))

    workers = []
    try:
        workers.append(_worker(test_config, tmp_path, "first",
                               CAREPROCURE_TEST_HOLD_AFTER_IMPORT="1"))
        assert until((tmp_path / "held").exists, time.monotonic() + 120), \
            (tmp_path / "first.log").read_text()
        assert api.get(status_url).get_json()["status"] == "running"
        workers[0].kill()  # every record inserted, nothing committed
        workers[0].wait(10)
        assert stored() == 0

        workers.append(_worker(test_config, tmp_path, "second"))
        done = until(lambda: api.get(status_url).get_json()["status"] != "running" or None,
                      time.monotonic() + 120)
        assert done, (tmp_path / "second.log").read_text()
        # the spreadsheet goes after the worker's commit: wait for it before the kill
        upload = db.session.get(HouseholdUpload, api.get(status_url).get_json()["id"])
        sheet = Path(test_config.UPLOAD_DIR, "household_uploads", upload.stored_name)
        assert until(lambda: not sheet.exists(), time.monotonic() + 30), \
            (tmp_path / "second.log").read_text()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)

    body = api.get(status_url).get_json()
    assert (body["status"], body["imported"]) == ("imported", ROWS)
    assert stored() == ROWS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdImport)) == 1
    task = db.session.scalar(sa.select(QueuedTask))
    assert (task.status, task.attempts) == (TaskStatus.DONE, 2)
