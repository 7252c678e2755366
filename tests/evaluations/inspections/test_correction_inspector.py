"""A correction is filled in by someone who can: the inspector of the result while they still
inspect in its region, else one the officer names. A correction handed to an inspector who has
left could never be submitted, the result it stood for could never be corrected again, and an
appeal resolved by it stayed unanswered in fact."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from evaluations.inspections import services as svc
from evaluations.inspections.models import Inspection
from tests.answers import fill_in
from tests.clients import PASSWORD, ApiClient


def _left(db, user) -> None:
    user.is_enabled = False
    db.session.commit()


def test_a_correction_is_not_handed_to_an_inspector_who_left(db, finalized, inspection_world,
                                                             make_user):
    w = inspection_world
    _left(db, w.inspector)
    with pytest.raises(ValidationError) as refused:
        svc.correct_inspection(finalized, actor=w.officer, reason="申诉复核")
    assert "inspector_id" in refused.value.fields
    db.session.rollback()

    colleague = make_user("inspector", region="a")
    outsider = make_user("inspector", region="b")
    with pytest.raises(ValidationError) as refused:
        svc.correct_inspection(finalized, actor=w.officer, reason="申诉复核",
                               inspector_id=outsider.id)
    assert "inspector_id" in refused.value.fields
    db.session.rollback()

    correction = svc.correct_inspection(finalized, actor=w.officer, reason="申诉复核",
                                        inspector_id=colleague.id)
    db.session.commit()
    assert correction.inspector_id == colleague.id
    fill_in(db, correction, w.__class__(**vars(w) | {"inspector": colleague}))
    svc.submit_inspection(correction, actor=colleague)
    svc.finalize_inspection(correction, actor=w.officer)
    db.session.commit()
    assert db.session.get(Inspection, finalized.id).is_replaced


def test_the_api_and_the_page_name_the_inspector_of_a_correction(app, db, finalized,
                                                                 inspection_world, make_user,
                                                                 as_user):
    w = inspection_world
    _left(db, w.inspector)
    colleague = make_user("inspector", region="a")
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"email": w.officer.email,
                                                 "password": PASSWORD}).get_json()["token"]
    api = ApiClient(client, token)
    url = f"/api/v1/inspections/{finalized.id}/correction"
    response = api.post(url, json={"reason": "复核"})
    assert response.status_code == 422
    assert "inspector_id" in response.get_json()["error"]["fields"]
    for bad in (2**40, "x", True):
        assert api.post(url, json={"reason": "复核", "inspector_id": bad}).status_code == 422

    browser, _officer = as_user("officer", region="a")
    page = browser.get(f"/evaluations/inspections/{finalized.id}")
    assert (colleague.name or colleague.email) in page.get_data(as_text=True)
    response = browser.post(f"/evaluations/inspections/{finalized.id}/correct",
                            {"reason": "复核", "inspector_id": str(colleague.id)})
    assert response.status_code == 302
    correction = db.session.get(Inspection, finalized.id).superseded_by
    assert correction is not None and correction.inspector_id == colleague.id


def test_the_page_offering_inspectors_stays_within_its_statements(db, finalized,
                                                                 inspection_world, as_user,
                                                                 make_user, count_queries):
    """The page names the result's inspector and, when they have left, offers the region's:
    the inspection's region is read with it (a statement of its own made the 13th)."""
    _left(db, inspection_world.inspector)
    make_user("inspector", region="a")  # a colleague to offer
    browser, _officer = as_user("officer", region="a")
    url = f"/evaluations/inspections/{finalized.id}"
    browser.get(url)
    with count_queries() as log:
        page = browser.get(url)
    assert 'name="inspector_id"' in page.get_data(as_text=True)
    assert len(log) <= 12, str(log)
