"""Large household files are imported by a worker process, with progress on the page and in
the API (202 and a status URL); small ones stay synchronous (201). Who may see an upload."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.worker.models import QueuedTask, TaskStatus
from app.worker.runner import WorkerHost
from contracts.households import checks, queued
from contracts.households.models import HouseholdImport, HouseholdRecord, HouseholdUpload
from tests.factories import hh_csv, hh_id

#: the test's threshold: files of more lines than this are queued
LIMIT = 5


@pytest.fixture(autouse=True)
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "HOUSEHOLD_IMPORT_QUEUE_ROWS", LIMIT)


def count(db, model=HouseholdRecord) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def records(n: int, **bad) -> list[dict]:
    rows = [{"id_number": hh_id(i)} for i in range(n)]
    for index, values in bad.items():
        rows[int(index.removeprefix("row"))] |= values
    return rows


def post_file(api, contract, data: bytes, name: str = "h.csv"):
    return api.post(f"/api/v1/contracts/{contract.id}/households",
                    data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def work_off(app) -> int:
    return WorkerHost(app).run(once=True)


def test_a_file_up_to_the_limit_is_imported_at_once(db, hh_contract, api_as):
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    response = post_file(api, contract, hh_csv(records(LIMIT - 1)))  # header + 4 = 5 lines
    assert response.status_code == 201 and response.get_json()["imported"] == LIMIT - 1
    assert count(db) == LIMIT - 1 and count(db, HouseholdUpload) == 0


def test_a_large_file_is_queued_and_imported_by_a_worker_with_progress(app, db, hh_contract,
                                                                        api_as, monkeypatch):
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    response = post_file(api, contract, hh_csv(records(8)))
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["status"] == "queued" and body["rows_total"] == 8 and body["imported"] == 0
    assert response.headers["Location"] == body["status_url"]
    assert body["status_url"] == f"/api/v1/household-uploads/{body['id']}"
    assert count(db) == 0  # nothing imported by the web request
    upload = db.session.get(HouseholdUpload, body["id"])
    stored = Path(app.config["UPLOAD_DIR"], queued.AREA, upload.stored_name)
    assert stored.is_file()
    task = db.session.scalar(sa.select(QueuedTask))
    assert (task.kind, task.ref_id, task.status) == (queued.TASK, upload.id, TaskStatus.QUEUED)

    # while the worker imports, others see its progress (committed on a connection of its own)
    seen = []
    import_households = queued.import_households

    def watched(*args, **kwargs):
        result = import_households(*args, **kwargs)
        seen.append(api.get(body["status_url"]).get_json())
        return result

    monkeypatch.setattr(checks, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(queued, "import_households", watched)
    assert work_off(app) == 1
    assert [(s["status"], s["rows_checked"], s["imported"]) for s in seen] == [("running", 8, 0)]

    done = api.get(body["status_url"]).get_json()
    assert (done["status"], done["imported"], done["rows"]) == ("imported", 8, [])
    assert done["import_id"] == db.session.scalar(sa.select(HouseholdImport.id))
    assert count(db) == 8 and count(db, HouseholdImport) == 1
    assert not stored.exists()  # personal data is not kept once imported
    assert db.session.scalar(sa.select(QueuedTask.status)) is TaskStatus.DONE


def test_a_refused_large_file_keeps_its_row_errors_and_imports_nothing(app, db, hh_contract,
                                                                       api_as):
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    data = hh_csv(records(8, row2={"members": "0"}, row6={"survey_date": "2027-01-01"}))
    status_url = post_file(api, contract, data).get_json()["status_url"]
    work_off(app)
    body = api.get(status_url).get_json()
    assert body["status"] == "refused" and body["error_count"] == 2
    assert [(r["row"], r["field"]) for r in body["rows"]] == [(4, "members"),
                                                              (8, "survey_date")]
    assert "2 errors" in body["message"]
    assert count(db) == 0 and count(db, HouseholdImport) == 0


def test_uploads_are_seen_only_by_who_sees_the_contract(app, db, hh_contract, api_as, as_user):
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    upload_id = post_file(api, contract, hh_csv(records(8))).get_json()["id"]
    for role, kwargs in (("provider", {}), ("officer", {"region": "b"})):
        outsider, _u = api_as(role, **kwargs)
        missing = outsider.get(f"/api/v1/household-uploads/{upload_id}")
        assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
        page, _u = as_user(role, **kwargs)
        for url in (f"/households/uploads/{upload_id}",
                    f"/households/uploads/{upload_id}/status"):
            assert page.get(url).status_code == 404
    county, _u = api_as("officer", region="a")
    assert county.get(f"/api/v1/household-uploads/{upload_id}").status_code == 200
    assert api.get("/api/v1/household-uploads/99999").status_code == 404


def test_the_page_follows_a_large_upload_to_its_errors(app, db, hh_contract, as_user):
    contract = hh_contract()
    browser, _user = as_user("provider", provider=contract.provider)
    browser.get(f"/contracts/{contract.id}/households")
    data = hh_csv(records(8, row3={"members": "0"}))
    response = browser.post(f"/contracts/{contract.id}/households/import",
                            {"file": (io.BytesIO(data), "大文件.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 303
    page_url = response.headers["Location"]
    upload_id = int(page_url.rstrip("/").split("/")[-1])
    page = browser.get(page_url).get_data(as_text=True)
    assert "大文件.csv has 8 rows" in page and "Waiting for a worker" in page
    status = browser.get(f"{page_url}/status").get_json()
    assert (status["status"], status["done"], status["total"]) == ("queued", 0, 8)

    work_off(app)
    status = browser.get(f"{page_url}/status").get_json()
    assert status["status"] == "refused" and status["status_label"].startswith("Refused")
    assert status["download_url"] == f"/households/uploads/{upload_id}/errors.xlsx"
    page = browser.get(page_url).get_data(as_text=True)
    assert "The file has 1 errors; nothing was imported." in page and "members" in page
    errors = browser.get(status["download_url"])
    assert errors.status_code == 200 and errors.data.startswith(b"PK")
    listing = browser.get(f"/contracts/{contract.id}/households").get_data(as_text=True)
    assert f"/households/uploads/{upload_id}" in listing


def test_the_upload_page_speaks_chinese(app, db, hh_contract, as_user):
    contract = hh_contract()
    browser, _user = as_user("provider", provider=contract.provider, locale="zh_CN")
    browser.get(f"/contracts/{contract.id}/households")
    response = browser.post(f"/contracts/{contract.id}/households/import",
                            {"file": (io.BytesIO(hh_csv(records(8))), "h.csv")},
                            content_type="multipart/form-data")
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "等待后台处理" in page and "后台导入" in page
    assert db.session.scalar(sa.select(HouseholdUpload.locale)) == "zh_CN"
    work_off(app)
    assert browser.get(f"{response.headers['Location']}/status").get_json()[
        "status_label"] == "已导入"


def test_a_worker_that_lost_its_claim_commits_nothing(app, db, hh_contract, api_as,
                                                      monkeypatch):
    """Another worker took the task over (this one looked dead): this one's import is dropped."""
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    status_url = post_file(api, contract, hh_csv(records(8))).get_json()["status_url"]
    import_households = queued.import_households

    def overtaken(*args, **kwargs):
        with db.engine.begin() as conn:  # as a second worker's claim would
            conn.execute(sa.update(QueuedTask.__table__).values(claimed_by="another:1:x"))
        return import_households(*args, **kwargs)

    monkeypatch.setattr(queued, "import_households", overtaken)
    work_off(app)
    assert count(db) == 0 and count(db, HouseholdImport) == 0
    assert api.get(status_url).get_json()["status"] == "running"  # the other worker's now


def test_a_queued_import_is_audited_as_its_requester(app, db, hh_contract, api_as):
    """The worker wrote the records as "system"; the import made at once names its sender."""
    from app.audit.models import AuditLog

    contract = hh_contract()
    api, user = api_as("provider", provider=contract.provider)
    assert post_file(api, contract, hh_csv(records(8))).status_code == 202
    work_off(app)
    db.session.rollback()
    rows = db.session.execute(sa.select(AuditLog.actor_id, AuditLog.actor_label).where(
        AuditLog.object_type.in_(["household_imports", "household_records"]))).all()
    assert rows and set(rows) == {(user.id, user.email)}


def test_a_queued_import_of_a_user_disabled_since_imports_nothing(app, db, hh_contract,
                                                                  api_as):
    """The administrator disabled the provider's user (who left, or sent a forged batch)
    after the file was queued: the worker still imported it in their name."""
    from app.users.services import set_enabled

    contract = hh_contract()
    api, user = api_as("provider", provider=contract.provider)
    upload_id = post_file(api, contract, hh_csv(records(8))).get_json()["id"]
    set_enabled(user, False)
    db.session.commit()
    work_off(app)
    db.session.rollback()
    upload = db.session.get(HouseholdUpload, upload_id)
    assert upload.status.value == "refused"
    assert "The account that sent this file is disabled" in upload.message
    assert count(db) == 0 and count(db, HouseholdImport) == 0
