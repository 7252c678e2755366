"""Every scorecard of a campaign in one ZIP: in the background with progress, and on the CLI."""

import io
import time
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from evaluations.campaigns.services import create_campaign
from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import save_answers, submit_inspection
from reports.scorecards.models import BatchStatus, ScorecardBatch
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


def wait_for(db, batch_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        batch = db.session.get(ScorecardBatch, batch_id)
        if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
            return batch
        time.sleep(0.2)
    raise AssertionError("the batch did not finish")


def test_officer_builds_the_zip_in_the_background_and_downloads_it(as_user, campaign, db,
                                                                   inspection_world):
    browser, _ = as_user("officer", region="a")
    browser.get(f"/reports/campaigns/{campaign.id}/scorecards")
    response = browser.post(f"/reports/campaigns/{campaign.id}/scorecards")
    assert response.status_code == 302
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert browser.get(f"/reports/batches/{batch_id}").status_code == 200
    batch = wait_for(db, batch_id)
    assert batch.status is BatchStatus.DONE, batch.error
    status = browser.get(f"/reports/batches/{batch_id}/status").get_json()
    assert status["done"] == status["total"] == 2 and status["download_url"]
    download = browser.get(status["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    download.close()  # send_file streams from an open file
    names = archive.namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert archive.read(names[0]).startswith(b"%PDF")


def test_other_county_and_providers_cannot_reach_the_batch(as_user, campaign, db):
    browser, _ = as_user("officer", region="a")
    browser.get(f"/reports/campaigns/{campaign.id}/scorecards")
    location = browser.post(f"/reports/campaigns/{campaign.id}/scorecards").headers["Location"]
    batch_id = int(location.rstrip("/").split("/")[-1])
    wait_for(db, batch_id)
    outsider, _ = as_user("officer", region="b")
    assert outsider.get(f"/reports/batches/{batch_id}/status").status_code == 404
    assert outsider.get(f"/reports/campaigns/{campaign.id}/scorecards").status_code == 404
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
