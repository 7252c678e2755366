"""A result is finalized as its page showed it: one sent back and submitted again after the
officer opened the page is refused until it is read; the API does the same for the
``version`` it read."""

import re

from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import reopen_inspection, submit_inspection
from tests.factories import fill_in

_VERSION = re.compile(r'id="version" name="version" type="hidden" value="([^"]*)"')


def _submitted(db, w, schedule):
    inspection = schedule()
    fill_in(db, inspection, w)
    submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    return inspection


def _sent_back_and_submitted_again(db, w, inspection) -> None:
    reopen_inspection(inspection, actor=w.officer, reason="照片不清晰")
    fill_in(db, inspection, w, value=lambda item: None)
    submit_inspection(inspection, actor=w.inspector)
    db.session.commit()


def _status(db, inspection_id) -> InspectionStatus:
    db.session.expire_all()
    return db.session.get(Inspection, inspection_id).status


def test_a_result_submitted_again_after_the_page_was_opened_is_not_finalized(
        db, inspection_world, schedule, as_user):
    w = inspection_world
    inspection = _submitted(db, w, schedule)
    officer, _ = as_user("officer", region="a")
    page = f"/evaluations/inspections/{inspection.id}"
    seen = _VERSION.search(officer.get(page).get_data(as_text=True))[1]
    _sent_back_and_submitted_again(db, w, inspection)

    refused = officer.post(f"{page}/finalize", {"version": seen})
    assert refused.status_code == 302 and _status(db, inspection.id) is InspectionStatus.SUBMITTED
    shown = officer.get(refused.headers["Location"]).get_data(as_text=True)
    assert "The result changed after this page was opened" in shown
    now = _VERSION.search(shown)[1]
    assert now != seen
    officer.post(f"{page}/finalize", {"version": now})
    assert _status(db, inspection.id) is InspectionStatus.FINALIZED


def test_the_api_finalizes_the_version_it_read(db, inspection_world, schedule, api_login):
    w = inspection_world
    inspection = _submitted(db, w, schedule)
    api = api_login(w.officer)
    read = api.get(f"/api/v1/inspections/{inspection.id}").get_json()["version"]
    _sent_back_and_submitted_again(db, w, inspection)
    finalize = f"/api/v1/inspections/{inspection.id}/finalize"
    assert api.post(finalize, json={"version": read}).status_code == 409
    assert _status(db, inspection.id) is InspectionStatus.SUBMITTED
    now = api.get(f"/api/v1/inspections/{inspection.id}").get_json()["version"]
    assert api.post(finalize, json={"version": now}).status_code == 200
    assert _status(db, inspection.id) is InspectionStatus.FINALIZED


def test_a_version_that_is_not_a_number_finalizes_nothing(db, inspection_world, schedule,
                                                          as_user):
    inspection = _submitted(db, inspection_world, schedule)
    officer, _ = as_user("officer", region="a")
    page = f"/evaluations/inspections/{inspection.id}"
    officer.get(page)
    for bad in ("x", "-1", "+3", "12345678901"):
        officer.post(f"{page}/finalize", {"version": bad})
        assert _status(db, inspection.id) is InspectionStatus.SUBMITTED, bad
