"""The inspection pages: scheduling, the field form (stale version, invalid points, photos,
submit), the officer's finalize, and the 404s of visibility."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from evaluations.inspections.models import Inspection, InspectionAnswer
from tests.clients import Browser
from tests.factories import jpeg_bytes, reading_for


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def _fresh(db, inspection_id: int) -> Inspection:
    db.session.expire_all()
    return db.session.get(Inspection, inspection_id)


def _form_data(template, *, skip=()) -> dict:
    data = {}
    for item in template.items:
        if item.key in skip:
            continue
        data[f"a-{item.id}"] = "yes" if item.kind == "yes_no" else \
            f"{reading_for(item, 'max')}" if item.kind == "reading" else \
            f"{item.max_points.normalize():f}"
    return data


def test_officer_schedules_with_the_form(app, db, inspection_world):
    w = inspection_world
    browser = _login(app, w.officer)
    page = browser.get("/evaluations/inspections/new")
    assert page.status_code == 200 and w.facility.name in page.get_data(as_text=True)
    response = browser.post("/evaluations/inspections/new", {
        "template_id": w.template.id, "facility_id": w.facility.id, "contract_id": "",
        "inspector_id": w.inspector.id, "scheduled_for": "2026-11-10"})
    assert response.status_code == 302, response.get_data(as_text=True)
    inspection = db.session.scalar(sa.select(Inspection))
    assert inspection.facility_id == w.facility.id and inspection.provider_id == w.provider.id

    response = browser.post("/evaluations/inspections/new", {
        "template_id": w.template.id, "facility_id": "", "contract_id": "",
        "inspector_id": w.inspector.id, "scheduled_for": "2026-11-10"})
    assert response.status_code == 422
    assert "choose one" in response.get_data(as_text=True)


def test_field_form_stale_version_and_invalid_points(app, db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    browser = _login(app, w.inspector)
    url = f"/evaluations/inspections/{inspection.id}/form"
    page = browser.get(url).get_data(as_text=True)
    assert 'capture="environment"' in page and 'name="version" type="hidden" value="1"' in page

    first = w.template.items[0]
    response = browser.post(url, {"version": "1", f"a-{first.id}": "yes", "action": "save"})
    assert response.status_code == 302
    # a second tab still holding version 1
    response = browser.post(url, {"version": "1", f"a-{first.id}": "no", "action": "save"})
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(InspectionAnswer.yes)) is True

    room = next(i for i in w.template.items if i.key == "bedding")
    response = browser.post(url, {"version": "2", f"a-{room.id}": "7", "action": "save"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "maximum of 4" in body and room.text("en") in body
    assert _fresh(db, inspection.id).version == 2


def test_field_form_photo_submit_and_finalize(app, db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    browser = _login(app, w.inspector)
    url = f"/evaluations/inspections/{inspection.id}/form"
    browser.get(url)
    data = _form_data(w.template) | {"version": "1", "action": "submit"}
    response = browser.post(url, data)
    assert response.status_code == 422
    assert "Attach a photo" in response.get_data(as_text=True)
    assert _fresh(db, inspection.id).status == "in_progress"  # draft kept

    version = _fresh(db, inspection.id).version
    data = _form_data(w.template) | {"version": str(version), "action": "submit"}
    for item in w.template.items:
        if item.evidence_required:
            data[f"photo-{item.id}"] = (io.BytesIO(jpeg_bytes()), "p.jpg")
    response = browser.post(url, data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    detail = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-grade="excellent"' in detail and "100.0" in detail

    officer = _login(app, w.officer)
    detail_url = f"/evaluations/inspections/{inspection.id}"
    officer.get(detail_url)
    response = officer.post(detail_url + "/finalize")
    assert response.status_code == 302
    assert _fresh(db, inspection.id).status == "finalized"
    # the inspector's form is gone: it redirects to the overview
    assert browser.get(url).status_code == 302

    provider = _login(app, w.provider_user)
    page = provider.get(detail_url)
    assert page.status_code == 200
    photo = _fresh(db, inspection.id).photos[0]
    assert provider.get(f"{detail_url}/photos/{photo.id}").status_code == 200


def test_visibility_404_in_html(app, db, schedule, inspection_world, make_user):
    w = inspection_world
    inspection = schedule(scheduled_for=date(2026, 11, 12))
    url = f"/evaluations/inspections/{inspection.id}"
    assert _login(app, make_user("inspector", region="a")).get(url).status_code == 404
    assert _login(app, make_user("inspector", region="a")).get(url + "/form").status_code == 404
    assert _login(app, w.provider_user).get(url).status_code == 404
    assert _login(app, make_user("officer", region="b")).get(url).status_code == 404
    own = _login(app, w.inspector).get("/evaluations/inspections").get_data(as_text=True)
    assert "2026-11-12" in own and "My inspections" in own


def test_the_template_picker_says_what_a_template_assesses(as_user, inspection_world):
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    page = browser.get("/evaluations/inspections/new").get_data(as_text=True)
    assert f"{inspection_world.template.name_zh} v1 · 评估机构" in page
    assert "· facility" not in page and "· contract" not in page


def test_save_this_section_keeps_the_draft_whatever_the_section_sent(app, db, schedule,
                                                                     inspection_world):
    """The button names its section's anchor; a value that is no anchor (a line break meant
    for the redirect's headers) saves the draft and returns to the form's top, not a 500."""
    w = inspection_world
    inspection = schedule()
    browser = _login(app, w.inspector)
    browser.get(f"/evaluations/inspections/{inspection.id}/form")
    first = w.template.items[0]
    version = 1
    for section, anchor in [("section-2", "#section-2"),
                            ("section-1\r\nSet-Cookie: planted=1", ""),
                            ("section-<b>", ""), ("section-" + "9" * 5000, "")]:
        response = browser.post(f"/evaluations/inspections/{inspection.id}/form", {
            "version": str(version), f"a-{first.id}": "yes", "section": section})
        assert response.status_code == 302, section[:20]
        location = response.headers["Location"]
        assert location == f"/evaluations/inspections/{inspection.id}/form{anchor}"
        assert "planted" not in str(response.headers)
        version += 1
        assert _fresh(db, inspection.id).version == version
