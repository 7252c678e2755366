"""An appeal is resolved on the evidence its page showed: a file the provider added after the
officer opened the page refuses the resolution (409, the appeal stays open) until it is read."""

import io
import re

from reports.appeals.models import Appeal, AppealStatus
from tests.clients import error_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_SEEN = re.compile(r'name="files_seen" type="hidden" value="([^"]*)"')


def _add_a_file(api_login, world, appeal) -> None:
    added = api_login(world.provider_user).post(
        f"/api/v1/appeals/{appeal.id}/files", data={"file": (io.BytesIO(PDF), "停电证明.pdf")},
        content_type="multipart/form-data")
    assert added.status_code == 201


def test_a_file_added_after_the_page_was_opened_stops_the_resolution(world, appeal, db,
                                                                       as_user, api_login):
    officer, _ = as_user("officer", region="a")
    page = f"/reports/appeals/{appeal.id}"
    seen = _SEEN.search(officer.get(page).get_data(as_text=True))[1]
    assert seen == "0"
    _add_a_file(api_login, world, appeal)

    form = {"outcome": "upheld", "reason": "结果维持", "files_seen": seen}
    refused = officer.post(f"{page}/resolve", form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "1 evidence file(s) were added" in body
    assert "停电证明.pdf" in body and _SEEN.search(body)[1] == "1"
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).status is AppealStatus.OPEN

    assert officer.post(f"{page}/resolve", form | {"files_seen": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).status is AppealStatus.UPHELD


def test_the_api_resolves_on_the_files_it_names(world, appeal, db, api_login):
    _add_a_file(api_login, world, appeal)
    api = api_login(world.officer)
    resolve = f"/api/v1/appeals/{appeal.id}/resolve"
    refused = api.post(resolve, json={"outcome": "upheld", "reason": "结果维持", "files_seen": 0})
    assert refused.status_code == 409 and "outcome" in error_of(refused)["fields"]
    resolved = api.post(resolve, json={"outcome": "upheld", "reason": "结果维持", "files_seen": 1})
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "upheld"


def test_a_files_seen_that_is_not_a_count_resolves_nothing(world, appeal, db, as_user):
    officer, _ = as_user("officer", region="a")
    page = f"/reports/appeals/{appeal.id}"
    officer.get(page)
    for bad in ("1e3", "-1", "+1", "12345"):
        response = officer.post(f"{page}/resolve",
                                {"outcome": "upheld", "reason": "结果维持", "files_seen": bad})
        assert response.status_code == 422, bad
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).status is AppealStatus.OPEN
