"""The warm-winter room temperature as a measured reading: the inspector enters the value, the
points follow from the template's parameters (18 ℃ full, 16 ℃ half), through the API, the
HTML form, the inspection page and the scorecard; a new version with a local standard scores
the same reading differently, and old inspections keep their version."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa

from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.services import export_template, import_template, new_version
from evaluations.inspections.models import InspectionAnswer
from evaluations.inspections.services import finalize_inspection, submit_inspection
from tests.clients import Browser
from tests.factories import fill_in, full_answers, item_of, jpeg_bytes


def _room_row(db, inspection_id):
    db.session.expire_all()
    return db.session.scalar(sa.select(InspectionAnswer).where(
        InspectionAnswer.inspection_id == inspection_id,
        InspectionAnswer.item.has(key="room_temperature")))


def test_api_saves_a_reading_and_scores_it_against_the_parameters(
        db, schedule, inspection_world, api_login):
    w = inspection_world
    inspection = schedule()
    api = api_login(w.inspector)
    url = f"/api/v1/inspections/{inspection.id}"
    room = item_of(w.template, "room_temperature")
    answers = full_answers(w.template)
    for answer in answers:
        if answer["item_id"] == room.id:
            answer["reading"] = 17.5
    response = api.put(url + "/answers", json={"version": 1, "answers": answers})
    assert response.status_code == 200, response.get_json()
    [mine] = [a for a in response.get_json()["answers"] if a["item_id"] == room.id]
    assert mine["reading"] == 17.5 and mine["points"] == 2.5  # 16 ≤ 17.5 < 18
    for item in w.template.items:
        if item.evidence_required:
            api.post(url + "/photos", data={"item_id": str(item.id),
                                            "file": (io.BytesIO(jpeg_bytes()), "e.jpg")})
    response = api.post(url + "/submit")
    assert response.status_code == 200, response.get_json()
    heating = next(s for s in response.get_json()["result"]["sections"]
                   if s["section_id"] == room.section_id)
    # heating weighs 20 points of items: 2.5 lost → 87.5
    assert heating["score"] == 87.5


def test_a_whole_number_reading_item_stores_the_half_credit_it_scores(
        db, schedule, inspection_world, api_login):
    """The answer's points (API, exports, suggestions) are those the score counted."""
    doc = load_builtin("warm_winter")
    room_doc = next(item for section in doc["sections"] for item in section["items"]
                    if item["key"] == "room_temperature")
    room_doc["max_points"] = 3
    template = import_template(doc, None, publish=True)
    db.session.commit()
    inspection = schedule(template=template)
    room = item_of(template, "room_temperature")
    api = api_login(inspection_world.inspector)
    url = f"/api/v1/inspections/{inspection.id}"
    response = api.put(url + "/answers", json={
        "version": inspection.version, "answers": [{"item_id": room.id, "reading": "16.0"}]})
    assert response.status_code == 200, response.get_json()
    [answer] = api.get(url).get_json()["answers"]
    assert answer["points"] == 1.5
    assert _room_row(db, inspection.id).points == Decimal("1.5")


def test_api_refuses_bad_readings_naming_the_field(db, schedule, inspection_world, api_login):
    w = inspection_world
    inspection = schedule()
    api = api_login(w.inspector)
    room = item_of(w.template, "room_temperature")
    url = f"/api/v1/inspections/{inspection.id}/answers"
    for answer, field, text in [
            ({"reading": 55}, "answers[0].reading", "between -10 and 40℃"),
            ({"reading": 17.55}, "answers[0].reading", "one decimal"),
            ({"reading": "warm"}, "answers[0].reading", "must be a number"),
            ({"points": 5}, "answers[0].points", "measured reading, not points")]:
        response = api.put(url, json={"version": 1, "answers": [{"item_id": room.id,
                                                                  **answer}]})
        assert response.status_code == 422, answer
        error = response.get_json()["error"]
        assert field in error["fields"] and text in " ".join(error["fields"][field]), error
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0


def test_submit_refuses_a_missing_reading(db, schedule, inspection_world, api_login):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    fill_in(db, inspection, w)
    api = api_login(w.inspector)
    url = f"/api/v1/inspections/{inspection.id}"
    version = api.get(url).get_json()["version"]
    # an empty reading clears the answer's value: the item is unanswered again
    response = api.put(url + "/answers", json={"version": version, "answers": [
        {"item_id": room.id, "reading": None}]})
    assert response.status_code == 200
    response = api.post(url + "/submit")
    assert response.status_code == 422
    assert f"items.{room.id}" in response.get_json()["error"]["fields"]


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def test_html_form_takes_the_reading_and_the_page_shows_what_it_earned(
        app, db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    browser = _login(app, w.inspector)
    url = f"/evaluations/inspections/{inspection.id}/form"
    page = browser.get(url).get_data(as_text=True)
    assert f'name="a-{room.id}" id="a-{room.id}" min="-10" max="40" step="0.1"' in page
    assert "at or above 18℃: 5 points; at or above 16℃: 2.5 points; below: 0 points" in page

    response = browser.post(url, {"version": "1", f"a-{room.id}": "99", "action": "save"})
    assert response.status_code == 422
    assert "The reading must lie between -10 and 40℃." in response.get_data(as_text=True)

    response = browser.post(url, {"version": "1", f"a-{room.id}": "16.5", "action": "save"})
    assert response.status_code == 302
    row = _room_row(db, inspection.id)
    assert (row.reading, row.points) == (Decimal("16.5"), Decimal("2.5"))
    page = browser.get(url).get_data(as_text=True)
    assert f'id="a-{room.id}" min="-10" max="40" step="0.1" inputmode="decimal" value="16.5"' \
        in page

    officer = _login(app, w.officer)
    page = officer.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert "16.5℃ → 2.5 points" in page


def test_a_local_standard_in_a_new_version_changes_the_score_old_inspections_keep_theirs(
        app, db, schedule, inspection_world):
    w = inspection_world
    old_inspection = schedule()
    doc = export_template(w.template)
    doc["parameters"]["min_room_temperature"]["value"] = 20
    doc["parameters"]["half_credit_temperature"]["value"] = 18
    local = new_version(w.template, doc, None)
    db.session.commit()
    new_inspection = schedule(template=local)
    reading = lambda item: ("reading", "18.0") if item.key == "room_temperature" else None  # noqa: E731
    for inspection, template in ((old_inspection, w.template), (new_inspection, local)):
        fill_in(db, inspection, SimpleNamespace(template=template, inspector=w.inspector),
                value=reading)
        submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    assert _room_row(db, old_inspection.id).points == 5       # 18 ℃ meets 18
    assert _room_row(db, new_inspection.id).points == Decimal("2.5")  # 18 ℃ is half of 20
    assert old_inspection.total == 100 and new_inspection.total < 100
    assert "不低于20℃" in item_of(local, "room_temperature").text("zh_CN")


def test_scorecard_shows_the_reading_and_its_points(db, schedule, inspection_world, as_user):
    from tests.reports.scorecards.test_scorecard import pdf_text

    w = inspection_world
    inspection = schedule()
    fill_in(db, inspection, w, value=lambda item: ("reading", "17.5")
            if item.key == "room_temperature" else None)
    submit_inspection(inspection, actor=w.inspector)
    finalize_inspection(inspection, actor=w.officer)
    db.session.commit()
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    text = pdf_text(browser.get(f"/reports/inspections/{inspection.id}/scorecard.pdf").data)
    assert "17.5℃ → 2.5分" in text


def test_visibility_of_readings_follows_the_inspection(app, db, schedule, inspection_world,
                                                       api_login, make_user):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    url = f"/api/v1/inspections/{inspection.id}/answers"
    stranger = api_login(make_user("inspector", region="b"))
    response = stranger.put(url, json={"version": 1, "answers": [{"item_id": room.id,
                                                                  "reading": 18}]})
    assert response.status_code == 404
    provider = api_login(w.provider_user)
    assert provider.put(url, json={"version": 1, "answers": [
        {"item_id": room.id, "reading": 18}]}).status_code in (403, 404)
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0
