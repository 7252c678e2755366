"""Excel exports too large to wait for: offered, queued, built by the worker process for the
user who asked (and only what they may see then), downloaded by them alone, removed after
their days."""

from __future__ import annotations

import io
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import clock
from app.users.services import update_user
from app.worker.models import QueuedTask, TaskStatus
from app.worker.runner import WorkerHost
from reports.background import BatchStatus
from reports.exports import queued
from reports.exports.models import ExportJob
from tests.reports.exports.test_exports import TODAY, finalize, login, rows


@pytest.fixture(autouse=True)
def late_november(fixed_today):
    fixed_today(TODAY)


@pytest.fixture
def three_inspections(db, app, inspection_world, make_scored_inspection, monkeypatch):
    """Three finalized inspections in county A, and exports of more than one inspection (two
    answers' inspections) built in the background."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_INSPECTIONS", 1)
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ANSWERED_INSPECTIONS", 0)
    w = inspection_world
    return [finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, day)), "90",
                     "excellent", {}) for day in (1, 2, 3)]


def work_off(app, db, job_id: int) -> ExportJob:
    """What ``flask worker run --once`` does, here in this process."""
    WorkerHost(app).run(once=True)
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def queue(browser, kind: str = "inspections", **filters) -> int:
    response = browser.post("/reports/exports/queued", {"kind": kind, **filters})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_a_large_export_is_offered_queued_built_by_the_worker_and_downloaded(
        app, db, inspection_world, three_inspections):
    browser = login(app, inspection_world.officer)
    offered = browser.get("/reports/exports/inspections.xlsx?from=2026-03-02")
    assert offered.status_code == 200 and offered.mimetype == "text/html"  # no workbook now
    page = offered.get_data(as_text=True)
    assert "These filters match 2 inspections: too many to build while you wait." in page
    assert 'name="kind" value="inspections"' in page and 'name="from" value="2026-03-02"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0

    job_id = queue(browser, **{"from": "2026-03-02"})
    job = db.session.get(ExportJob, job_id)
    assert (job.status, job.inspections, job.filters) == (BatchStatus.QUEUED, 2,
                                                         {"from": "2026-03-02"})
    task = db.session.scalar(sa.select(QueuedTask))
    assert (task.kind, task.ref_id, task.status) == (queued.TASK, job_id, TaskStatus.QUEUED)
    assert "Waiting for a worker" in browser.get(f"/reports/exports/queued/{job_id}").get_data(
        as_text=True)

    job = work_off(app, db, job_id)
    assert job.status is BatchStatus.DONE, job.error
    assert Path(app.config["UPLOAD_DIR"], queued.AREA, job.file_name).is_file()
    status = browser.get(f"/reports/exports/queued/{job_id}/status").get_json()
    assert status["done"] == status["total"] == 2 and status["download_url"]
    download = browser.get(status["download_url"])
    assert download.headers["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(download.get_data()))
    download.close()  # send_file streams from an open file
    assert [r["Inspection ID"] for r in rows(book.worksheets[0])] == [
        i.id for i in three_inspections[1:]]
    listed = browser.get("/reports/exports").get_data(as_text=True)
    assert f"/reports/exports/queued/{job_id}/download" in listed


def test_small_exports_are_still_written_while_the_user_waits(
        app, inspection_world, three_inspections):
    browser = login(app, inspection_world.officer)
    small = browser.get("/reports/exports/inspections.xlsx?from=2026-03-03")
    assert small.status_code == 200 and small.headers["Content-Disposition"].startswith(
        "attachment;")


def test_only_the_requester_sees_or_downloads_it(app, db, inspection_world, three_inspections,
                                                 make_user):
    browser = login(app, inspection_world.officer)
    job_id = queue(browser, "answers")
    work_off(app, db, job_id)
    for other in (make_user("officer", region="a"), make_user("admin"), make_user("provider")):
        stranger = login(app, other)
        for path in ("", "/status", "/download"):
            assert stranger.get(f"/reports/exports/queued/{job_id}{path}").status_code == 404
        assert f"/reports/exports/queued/{job_id}" not in stranger.get(
            "/reports/exports").get_data(as_text=True)
    assert browser.get(f"/reports/exports/queued/{2**63}").status_code == 404


def test_an_officer_moved_to_another_county_no_longer_reads_the_old_countys_exports(
        app, db, inspection_world, three_inspections, regions):
    """Moved from county A to county B, the officer still listed and downloaded the workbook
    of county A's inspections built for them there; and one asked for in A and built after
    the move was built and offered as if asked for in B."""
    officer = inspection_world.officer
    browser = login(app, officer)
    built = queue(browser)
    assert work_off(app, db, built).status is BatchStatus.DONE
    waiting = queue(browser, "answers")
    later = clock.now() + timedelta(minutes=1)
    clock.set_clock(lambda: later)  # moved a minute later
    update_user(officer, name=officer.name, role="officer", region=regions["b"],
                provider_id=None)
    db.session.commit()
    for job_id in (built, waiting):
        for path in ("", "/status", "/download"):
            assert browser.get(f"/reports/exports/queued/{job_id}{path}").status_code == 404
        assert f"/reports/exports/queued/{job_id}" not in browser.get(
            "/reports/exports").get_data(as_text=True)
    job = work_off(app, db, waiting)
    assert job.status is BatchStatus.FAILED and job.file_name is None
    mine = queue(browser)  # what they ask for in their new post is theirs as before
    assert browser.get(f"/reports/exports/queued/{mine}").status_code == 200


def test_bad_requests_queue_nothing(app, db, inspection_world, three_inspections, monkeypatch):
    browser = login(app, inspection_world.officer)
    browser.get("/reports/exports")
    assert browser.post("/reports/exports/queued", {"kind": "inspections"},
                        csrf=False).status_code == 400
    assert browser.post("/reports/exports/queued", {"kind": "payroll"}).status_code == 422
    assert browser.post("/reports/exports/queued", {"kind": "inspections",
                                                    "status": "bogus"}).status_code == 422
    monkeypatch.setitem(app.config, "EXPORT_MAX_ANSWERED_INSPECTIONS", 2)
    refused = browser.post("/reports/exports/queued", {"kind": "answers", "to": "2026-03-31"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "These filters match 3 inspections; one export holds at most 2." in page
    assert 'name="to" value="2026-03-31"' in page  # the filters kept, to narrow
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QueuedTask)) == 0


def test_the_same_export_asked_again_before_it_starts_is_built_once(
        app, db, inspection_world, three_inspections):
    """A double click on "build it in the background", or the form sent again, queued the
    same workbook twice: the worker built it twice while other users' work waited."""
    browser = login(app, inspection_world.officer)
    first = queue(browser, **{"from": "2026-03-02"})
    assert queue(browser, **{"from": "2026-03-02"}) == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QueuedTask)) == 1
    other = queue(browser, **{"from": "2026-03-01"})  # other filters: another workbook
    assert other != first
    assert work_off(app, db, first).status is BatchStatus.DONE
    # built, it is asked for again (what it holds may have changed): built again
    assert queue(browser, **{"from": "2026-03-02"}) not in (first, other)


def test_the_same_export_sent_twice_at_the_same_instant_is_queued_once(
        app, db, inspection_world, three_inspections):
    from tests.core.live import LiveBrowser, LiveServer, race

    live = LiveServer(app)
    try:
        tabs = [LiveBrowser(live), LiveBrowser(live)]  # two tabs, or a double click
        for tab in tabs:
            tab.login(inspection_world.officer.email)
            tab.get("/reports/exports")
        for day in range(1, 11):
            answers = race(live, *[tab.form("/reports/exports/queued", {
                "kind": "inspections", "to": f"2026-12-{day:02d}"}) for tab in tabs])
            assert [a.status for a in answers] == [302, 302], answers[0].text[:300]
            assert answers[0].headers["Location"] == answers[1].headers["Location"]
    finally:
        live.close()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QueuedTask)) == 10


def test_the_worker_builds_what_the_requester_may_see_when_it_runs(
        app, db, inspection_world, three_inspections):
    officer = inspection_world.officer
    job_id = queue(login(app, officer))
    officer.is_enabled = False  # the account was closed while the job waited
    db.session.commit()
    job = work_off(app, db, job_id)
    assert job.status is BatchStatus.FAILED and job.file_name is None
    assert "no longer active" in job.error


def test_the_page_speaks_chinese(app, inspection_world, three_inspections):
    browser = login(app, inspection_world.officer, locale="zh_CN")
    page = browser.get("/reports/exports/answers.xlsx").get_data(as_text=True)
    assert "这些筛选条件匹配 3 条检查" in page and "在后台生成" in page


def test_old_exports_go_with_their_workbooks(app, db, inspection_world, three_inspections):
    browser = login(app, inspection_world.officer)
    old_id, new_id = queue(browser), queue(browser, "answers")
    old, new = work_off(app, db, old_id), work_off(app, db, new_id)
    files = {job.id: Path(app.config["UPLOAD_DIR"], queued.AREA, job.file_name)
             for job in (old, new)}
    old.created_at = clock.now() - timedelta(days=app.config["EXPORT_KEEP_DAYS"] + 1)
    db.session.commit()
    assert queued.remove_old_exports() == 1
    assert files[old_id].is_file()  # until the removal commits
    db.session.commit()
    assert not files[old_id].exists() and files[new_id].is_file()
    assert db.session.scalars(sa.select(ExportJob.id)).all() == [new_id]
    assert browser.get(f"/reports/exports/queued/{old_id}/download").status_code == 404


def test_the_half_written_workbook_of_a_killed_worker_goes_with_the_old_exports(app, db):
    """Each write has a temporary file of its own name: one a killed worker left is never
    written over again, and goes once it is as old as the exports kept."""
    days = app.config["EXPORT_KEEP_DAYS"]
    area = Path(app.config["UPLOAD_DIR"], queued.AREA)
    area.mkdir(parents=True, exist_ok=True)
    killed, writing = area / ".export-1-inspections.xlsx.x1.part", area / ".export-2.y2.part"
    killed.write_bytes(b"PK half")
    writing.write_bytes(b"PK")
    stale = time.time() - (days + 1) * 86400
    os.utime(killed, (stale, stale))
    queued.remove_old_exports()
    db.session.commit()
    assert not killed.exists() and writing.is_file()


@pytest.mark.parametrize("name", ["EXPORT_INLINE_MAX_INSPECTIONS", "EXPORT_KEEP_DAYS"])
def test_settings_that_cannot_work_refuse_to_start(name):
    from app.factory import create_app
    from config import ConfigError, TestingConfig

    broken = type("Broken", (TestingConfig,), {name: -1})
    with pytest.raises(ConfigError, match=name):
        create_app(broken)


@pytest.mark.parametrize("field", ["template_id", "county", "provider_id"])
@pytest.mark.parametrize("value", [str(2**63), "0", "1e3"])
def test_ids_no_row_can_hold_are_refused_not_a_500(app, inspection_world, three_inspections,
                                                   field, value):
    """An id above 2^63 reached SQLite as an overflow: a 500 on the export and the queue."""
    browser = login(app, inspection_world.officer)
    page = browser.get(f"/reports/exports/inspections.xlsx?{field}={value}")
    assert page.status_code == 422 and "Check the filters." in page.get_data(as_text=True)
    assert browser.post("/reports/exports/queued", {"kind": "answers", field: value}
                        ).status_code == 422
