"""A campaign ZIP built by real ``flask worker run`` processes: killed with SIGKILL at card 17
of 40, the batch is finished by the next worker without rendering or packing a card twice."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.worker.models import QueuedTask, TaskStatus
from evaluations.campaigns.services import create_campaign
from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import save_answers
from reports.background import BatchStatus
from reports.scorecards.batch import AREA
from reports.scorecards.models import ScorecardBatch
from tests.factories import full_answers
from tests.threads import until

ROOT = Path(__file__).resolve().parents[3]
CARDS = 40


@pytest.fixture
def campaign40(db, inspection_world, make_facility):
    """A warm-winter campaign over 40 homes in A1, every inspection scored."""
    w = inspection_world
    for n in range(CARDS - 1):
        make_facility("a1", name=f"甲一第{n + 2}福利院")
    campaign = create_campaign(name="2026年冬暖工程", template=w.template, region=w.regions["a"],
                               facility_kinds=["elderly_home"], window_start=date(2026, 11, 1),
                               window_end=date(2026, 11, 30), inspectors=[w.inspector],
                               actor=w.officer)
    db.session.commit()
    na = [i.key for i in w.template.items if i.evidence_required and i.allow_na]
    for inspection in campaign.inspections:
        save_answers(inspection, version=inspection.version,
                     answers=full_answers(w.template, na_items=na), actor=w.inspector)
        inspection.status = InspectionStatus.SUBMITTED
        inspection.total, inspection.section_scores = 100, []
    db.session.commit()
    assert len(campaign.inspections) == CARDS
    return campaign


def _worker(test_config, tmp_path: Path, name: str, **env) -> subprocess.Popen:
    environment = dict(os.environ, FLASK_APP="tests.core.worker_app:create_app",
                       FLASK_CONFIG="development",
                       DATABASE_URL=test_config.SQLALCHEMY_DATABASE_URI,
                       UPLOAD_DIR=test_config.UPLOAD_DIR,
                       INSTANCE_PATH=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
                       WORKER_POLL_SECONDS="0.2", WORKER_HEARTBEAT_SECONDS="0.3",
                       WORKER_STALE_SECONDS="2",
                       CAREPROCURE_TEST_STEP_LOG=str(tmp_path / "cards.log"),
                       CAREPROCURE_TEST_HOLD_MARKER=str(tmp_path / "held"), **env)
    environment.pop("TEST_DATABASE_URL", None)
    with (tmp_path / f"{name}.log").open("w") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "worker", "run"], cwd=ROOT,
                                env=environment, stdout=log, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_a_batch_killed_at_card_17_of_40_finishes_after_a_restart_without_duplicates(
        app, test_config, as_user, campaign40, db, tmp_path):
    browser, _ = as_user("officer", region="a")
    browser.get(f"/reports/campaigns/{campaign40.id}/scorecards")
    location = browser.post(f"/reports/campaigns/{campaign40.id}/scorecards").headers["Location"]
    batch_id = int(location.rstrip("/").split("/")[-1])

    def batch() -> ScorecardBatch:
        db.session.rollback()  # a fresh look at what the workers committed
        return db.session.get(ScorecardBatch, batch_id)

    workers = []
    try:
        workers.append(_worker(test_config, tmp_path, "first", CAREPROCURE_TEST_HOLD_AT="17"))
        assert until((tmp_path / "held").exists, time.monotonic() + 120), \
            (tmp_path / "first.log").read_text()
        held = batch()
        assert (held.status, held.done, held.total) == (BatchStatus.RUNNING, 16, CARDS)
        workers[0].kill()  # SIGKILL at card 17: no clean-up of any kind
        workers[0].wait(10)
        killed_at = time.monotonic()

        workers.append(_worker(test_config, tmp_path, "second"))
        finished = until(lambda: batch().status is not BatchStatus.RUNNING or None,
                          time.monotonic() + 120)
        took = time.monotonic() - killed_at
        assert finished is not None, (tmp_path / "second.log").read_text()
        # the cards' folder goes after the worker's commit: wait for it before the kill
        cards = Path(test_config.UPLOAD_DIR, AREA, f"batch-{batch_id}")
        assert until(lambda: not cards.exists(), time.monotonic() + 30), \
            (tmp_path / "second.log").read_text()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)

    done = batch()
    assert (done.status, done.done, done.total) == (BatchStatus.DONE, CARDS, CARDS), done.error
    task = db.session.scalar(sa.select(QueuedTask).where(QueuedTask.ref_id == batch_id))
    assert (task.status, task.attempts) == (TaskStatus.DONE, 2)

    rendered = [line.split() for line in (tmp_path / "cards.log").read_text().splitlines()]
    by_worker = Counter(pid for pid, _id in rendered)
    inspection_ids = Counter(int(i) for _pid, i in rendered)
    assert sorted(by_worker.values()) == [16, 24]  # the second began at card 17
    assert len(inspection_ids) == CARDS and set(inspection_ids.values()) == {1}

    download = browser.get(f"/reports/batches/{batch_id}/download")
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    download.close()  # send_file streams from an open file
    names = archive.namelist()
    assert len(names) == len(set(names)) == CARDS
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    print(f"\ninterrupted batch: killed at card 17 of {CARDS} with 16 stored; the next worker "
          f"took over and finished {took:.1f} s after the kill; cards rendered per worker "
          f"{sorted(by_worker.values())}; ZIP entries {len(names)}, distinct {len(set(names))}; "
          f"task attempts {task.attempts}")
