"""An appeal's evidence files (issue 13, point 6: "with a reason and evidence"): offered with the
appeal or while it is open, checked by content (one bad file stores none), read by whoever may
read the appeal and by nobody else; and the appeal buttons disappear once the window closes."""

import io
from datetime import date

import sqlalchemy as sa

from app.extensions import db as _db
from app.users.models import User
from reports.appeals import services as appeals
from reports.appeals.evidence import attach_files
from reports.appeals.models import Appeal, AppealFile
from tests.clients import Browser
from tests.factories import jpeg_bytes, on
from tests.locks import first_held_while_the_second_waits
from tests.threads import read_then_act_after, stored_as

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _upload(api, appeal_id, name, data):
    return api.post(f"/api/v1/appeals/{appeal_id}/files",
                    data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_appeal_page_takes_files_with_the_appeal(world, app, db, as_user):
    on(date(2026, 11, 12))
    browser = Browser(app.test_client())
    browser.login(world.provider_user)
    url = f"/reports/inspections/{world.inspection.id}/appeal"
    browser.get(url)
    lodged = browser.post(url, {"reason": "检查当日停电", "files": [
        (io.BytesIO(PDF), "供电局证明.pdf"), (io.BytesIO(jpeg_bytes()), "现场.jpg")]},
        content_type="multipart/form-data")
    assert lodged.status_code == 302
    appeal = db.session.scalars(sa.select(Appeal)).one()
    assert [f.filename for f in appeal.files] == ["供电局证明.pdf", "现场.jpg"]

    officer, _ = as_user("officer", region="a", locale="zh_CN")
    page = officer.get(f"/reports/appeals/{appeal.id}").get_data(as_text=True)
    assert "供电局证明.pdf" in page
    download = officer.get(f"/reports/appeals/{appeal.id}/files/{appeal.files[0].id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_one_bad_file_lodges_nothing(world, app, db):
    on(date(2026, 11, 12))
    browser = Browser(app.test_client())
    browser.login(world.provider_user)
    url = f"/reports/inspections/{world.inspection.id}/appeal"
    browser.get(url)
    refused = browser.post(url, {"reason": "检查当日停电", "files": [
        (io.BytesIO(PDF), "ok.pdf"), (io.BytesIO(b"<script>alert(1)</script>"), "proof.pdf")]},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "proof.pdf" in refused.get_data(as_text=True)
    assert _count(db, Appeal) == 0 and _count(db, AppealFile) == 0


def test_the_api_adds_files_while_the_appeal_is_open(world, appeal, api_login, db,
                                                     make_user, app, monkeypatch):
    own = api_login(world.provider_user)
    added = _upload(own, appeal.id, "发票.pdf", PDF)
    assert added.status_code == 201, added.get_json()
    body = own.get(f"/api/v1/appeals/{appeal.id}").get_json()
    [listed] = body["files"]
    assert listed["filename"] == "发票.pdf" and listed["size"] == len(PDF)
    assert own.get(listed["download_url"]).data == PDF
    assert api_login(world.officer).get(listed["download_url"]).status_code == 200

    wrong = _upload(own, appeal.id, "photo.png", jpeg_bytes())
    assert wrong.status_code == 422 and "files" in wrong.get_json()["error"]["fields"]
    for stranger in (make_user("provider"), make_user("officer", region="b")):
        api = api_login(stranger)
        assert api.get(listed["download_url"]).status_code == 404
        assert api.get(f"/api/v1/appeals/{appeal.id}/files/{2**63}").status_code == 404
    assert _upload(api_login(make_user("provider")), appeal.id, "x.pdf", PDF).status_code == 404
    assert _upload(api_login(world.officer), appeal.id, "x.pdf", PDF).status_code == 403

    monkeypatch.setattr("reports.appeals.evidence.MAX_FILES", 1)
    full = _upload(own, appeal.id, "more.pdf", PDF)
    assert full.status_code == 422
    assert _count(db, AppealFile) == 1


def test_no_evidence_after_the_appeal_is_resolved(world, appeal, api_login, db):
    appeals.resolve_appeal(appeal, outcome="upheld", reason="结果维持", actor=world.officer)
    db.session.commit()
    late = _upload(api_login(world.provider_user), appeal.id, "late.pdf", PDF)
    assert late.status_code == 409
    assert _count(db, AppealFile) == 0


def test_the_appeal_button_goes_when_the_window_closes(world, app):
    browser = Browser(app.test_client())
    browser.login(world.provider_user)
    link = f"/reports/inspections/{world.inspection.id}/appeal"
    on(date(2026, 11, 20))
    assert link in browser.get(f"/evaluations/inspections/{world.inspection.id}").get_data(True)
    on(date(2026, 11, 21))
    assert link not in browser.get(f"/evaluations/inspections/{world.inspection.id}"
                                   ).get_data(True)


def test_a_file_sent_after_the_appeal_was_resolved_is_refused(world, app, db, appeal):
    """The provider's page was opened while the appeal was open; the file, checked against the
    appeal its request read, joined the evidence of an appeal decided without it."""
    appeal_id, officer_id, provider_user_id = appeal.id, world.officer.id, world.provider_user.id

    outcomes = read_then_act_after(
        app, lambda: _db.session.get(Appeal, appeal_id),
        lambda a: appeals.resolve_appeal(a, outcome="upheld", reason="照片显示烟感缺失",
                                         actor=_db.session.get(User, officer_id)),
        lambda a: attach_files(a, [("供电局证明.pdf", PDF)],
                               actor=_db.session.get(User, provider_user_id)),
        stored_as(Appeal, appeal_id, "upheld"))
    assert outcomes[0] is None and "evidence can no longer be added" in outcomes[1], outcomes
    assert _count(db, AppealFile) == 0


def test_files_sent_at_once_are_counted_together_against_the_limit(world, app, db, appeal):
    """Two uploads of six files each: each counted the appeal's files before the other's, and
    the appeal carried twelve of its ten."""
    appeal_id, provider_user_id = appeal.id, world.provider_user.id

    def send(prefix):
        return lambda: attach_files(_db.session.get(Appeal, appeal_id),
                                    [(f"{prefix}{n}.pdf", PDF) for n in range(6)],
                                    actor=_db.session.get(User, provider_user_id))

    outcomes = first_held_while_the_second_waits(app, send("甲"), send("乙"))
    assert outcomes[0] is None and "at most 10 files" in outcomes[1], outcomes
    assert _count(db, AppealFile) == 6
