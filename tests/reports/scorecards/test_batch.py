"""Every scorecard of a campaign in one ZIP: queued for a worker process, with progress, and on
the CLI."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.worker.models import QueuedTask, TaskStatus
from app.worker.runner import WorkerHost
from evaluations.campaigns.services import create_campaign
from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import save_answers, submit_inspection
from reports.background import BatchStatus
from reports.scorecards.batch import AREA, TASK
from reports.scorecards.models import ScorecardBatch
from tests.factories import full_answers


@pytest.fixture
def campaign(db, inspection_world, make_facility):
    """A warm-winter campaign over three homes in A1; two of them inspected and submitted."""
    w = inspection_world
    make_facility("a1", name="甲一第二福利院")
    make_facility("a1", name="甲一第三福利院")
    campaign = create_campaign(name="2026年冬暖工程", template=w.template, region=w.regions["a"],
                               facility_kinds=["elderly_home"], window_start=date(2026, 11, 1),
                               window_end=date(2026, 11, 30), inspectors=[w.inspector],
                               actor=w.officer)
    db.session.commit()
    items = w.template.items
    for inspection in campaign.inspections[:2]:
        answers = full_answers(w.template, na_items=[i.key for i in items
                                                     if i.evidence_required and i.allow_na])
        save_answers(inspection, version=inspection.version, answers=answers,
                     actor=w.inspector)
        if not any(i.evidence_required and not i.allow_na for i in items):
            submit_inspection(inspection, actor=w.inspector)
        else:  # evidence needs photos; a submitted status with a computed result is enough here
            inspection.status = InspectionStatus.SUBMITTED
            inspection.total, inspection.section_scores = 100, []
    db.session.commit()
    return campaign


def work_off(app, db, batch_id):
    """What ``flask worker run --once`` does: run the queued tasks, here in this process."""
    WorkerHost(app).run(once=True)
    db.session.expire_all()
    return db.session.get(ScorecardBatch, batch_id)


def test_officer_queues_the_zip_a_worker_builds_it_and_the_officer_downloads_it(
        app, as_user, campaign, db, inspection_world):
    browser, _ = as_user("officer", region="a")
    browser.get(f"/reports/campaigns/{campaign.id}/scorecards")
    response = browser.post(f"/reports/campaigns/{campaign.id}/scorecards")
    assert response.status_code == 302
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    page = browser.get(f"/reports/batches/{batch_id}")
    assert page.status_code == 200 and "Waiting for a worker" in page.get_data(as_text=True)
    # no web worker builds it: it waits, as a row, for a worker process
    task = db.session.scalar(sa.select(QueuedTask))
    assert (task.kind, task.ref_id, task.status) == (TASK, batch_id, TaskStatus.QUEUED)
    assert db.session.get(ScorecardBatch, batch_id).status is BatchStatus.QUEUED
    batch = work_off(app, db, batch_id)
    assert batch.status is BatchStatus.DONE, batch.error
    assert Path(app.config["UPLOAD_DIR"], AREA, batch.file_name).is_file()
    assert not Path(app.config["UPLOAD_DIR"], AREA, f"batch-{batch_id}").exists()
    status = browser.get(f"/reports/batches/{batch_id}/status").get_json()
    assert status["done"] == status["total"] == 2 and status["download_url"]
    download = browser.get(status["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    download.close()  # send_file streams from an open file
    names = archive.namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert archive.read(names[0]).startswith(b"%PDF")


def test_the_zip_asked_again_before_it_starts_is_built_once(app, as_user, campaign, db):
    """A double click (or a colleague asking at the same time) queued a campaign's thousand
    cards twice, for the one worker to render twice."""
    browser, _ = as_user("officer", region="a")
    url = f"/reports/campaigns/{campaign.id}/scorecards"
    browser.get(url)
    first = browser.post(url).headers["Location"]
    assert browser.post(url).headers["Location"] == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QueuedTask)) == 1
    batch_id = int(first.rstrip("/").split("/")[-1])
    assert work_off(app, db, batch_id).status is BatchStatus.DONE
    assert browser.post(url).headers["Location"] != first  # built: asked again, built again


def test_other_county_and_providers_cannot_reach_the_batch(app, as_user, campaign, db):
    browser, _ = as_user("officer", region="a")
    browser.get(f"/reports/campaigns/{campaign.id}/scorecards")
    location = browser.post(f"/reports/campaigns/{campaign.id}/scorecards").headers["Location"]
    batch_id = int(location.rstrip("/").split("/")[-1])
    work_off(app, db, batch_id)
    download = browser.get(f"/reports/batches/{batch_id}/download")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "private, no-store"
    download.close()  # send_file streams from an open file
    outsider, _ = as_user("officer", region="b")
    assert outsider.get(f"/reports/batches/{batch_id}/status").status_code == 404
    assert outsider.get(f"/reports/campaigns/{campaign.id}/scorecards").status_code == 404
    assert outsider.get(f"/reports/batches/{batch_id}/download").status_code == 404
    assert outsider.get(f"/reports/batches/{batch_id}").status_code == 404
    provider, _ = as_user("provider")
    assert provider.get(f"/reports/batches/{batch_id}/download").status_code == 403


def test_cli_writes_the_zip_with_a_progress_bar(runner, campaign, tmp_path):
    out = tmp_path / "cards.zip"
    result = runner.invoke(args=["reports", "scorecards", "--campaign", str(campaign.id),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 scorecards" in result.output
    assert len(zipfile.ZipFile(out).namelist()) == 2


def test_cli_refuses_an_unknown_campaign(runner, db, tmp_path):
    result = runner.invoke(args=["reports", "scorecards", "--campaign", "999", "--out",
                                 str(tmp_path / "x.zip")])
    assert result.exit_code != 0 and "No campaign has id 999" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScorecardBatch)) == 0


def test_cli_refuses_bad_arguments_without_a_traceback(runner, campaign, tmp_path):
    """An id no column holds reached PostgreSQL (integer out of range), a folder that does not
    exist the file system: both ended in a traceback."""
    result = runner.invoke(args=["reports", "scorecards", "--campaign", "99999999999", "--out",
                                 str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "--campaign" in result.output
    assert isinstance(result.exception, SystemExit)
    missing = tmp_path / "no-such-folder" / "cards.zip"
    result = runner.invoke(args=["reports", "scorecards", "--campaign", str(campaign.id),
                                 "--out", str(missing)])
    assert result.exit_code == 1 and f"Cannot write {missing}" in result.output
    assert isinstance(result.exception, SystemExit) and not missing.parent.exists()


def test_the_batch_page_says_its_status_in_words(as_user, campaign, db):
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    browser.get(f"/reports/campaigns/{campaign.id}/scorecards")
    response = browser.post(f"/reports/campaigns/{campaign.id}/scorecards")
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    db.session.get(ScorecardBatch, batch_id).status = BatchStatus.RUNNING
    db.session.commit()
    page = browser.get(f"/reports/batches/{batch_id}").get_data(as_text=True)
    assert '<span id="batch-status">正在生成</span>' in page and "running" not in page
    status = browser.get(f"/reports/batches/{batch_id}/status").get_json()
    assert status["status_label"] == "正在生成"


def test_cli_stopped_by_a_full_disk_leaves_no_half_file(runner, campaign, tmp_path,
                                                        monkeypatch):
    from reports.scorecards import batch

    made = []

    def card_then_full_disk(inspection, means):
        if made:
            raise OSError(28, "No space left on device")
        made.append(inspection.id)
        return b"%PDF-1.4 card"

    monkeypatch.setattr(batch, "card_pdf", card_then_full_disk)
    result = runner.invoke(args=["reports", "scorecards", "--campaign", str(campaign.id),
                                 "--out", str(tmp_path / "cards.zip")])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []
