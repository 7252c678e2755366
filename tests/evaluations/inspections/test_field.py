"""The field form's JSON door (session and CSRF token) and the per-item answers of the API:
state, merged saves, photos sent again by a retry, deletes that keep answers, who sees what."""

from __future__ import annotations

import io

import sqlalchemy as sa

from evaluations.inspections.answers import MAX_NOTE
from evaluations.inspections.models import EvidencePhoto, InspectionAnswer
from evaluations.inspections.services import submit_inspection
from tests.clients import Browser
from tests.factories import fill_in, item_of, jpeg_bytes


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def _field(app, inspection, user):
    """A logged-in browser that opened the form, and the CSRF header its script sends."""
    browser = _login(app, user)
    assert browser.get(f"/evaluations/inspections/{inspection.id}/form").status_code == 200
    return browser, {"X-CSRFToken": browser.token}


def test_state_lists_answers_with_their_versions_and_a_token(app, db, schedule,
                                                             inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    first = w.template.items[0]
    url = f"/evaluations/inspections/{inspection.id}/field"
    response = browser.client.post(url + "/answers", headers=headers, json={
        "answers": [{"item_id": first.id, "yes": True, "note": "好", "base_version": 0}]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["conflicts"] == [] and body["version"] == 2 and body["editable"] is True
    assert body["answers"] == [{"item_id": first.id, "points": None, "yes": True, "na": False,
                                "note": "好", "version": 2, "reading": None}]
    state = browser.client.get(url + "/state").get_json()
    assert state["answers"] == body["answers"] and state["csrf_token"]


def test_field_saves_need_the_csrf_token_and_change_nothing_without(app, db, schedule,
                                                                    inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, _headers = _field(app, inspection, w.inspector)
    response = browser.client.post(
        f"/evaluations/inspections/{inspection.id}/field/answers",
        json={"answers": [{"item_id": w.template.items[0].id, "yes": True, "base_version": 0}]})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0


def test_bad_field_input_is_422_naming_the_field(app, db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    url = f"/evaluations/inspections/{inspection.id}/field"
    response = browser.client.post(url + "/answers", headers=headers, json={"answers": "x"})
    assert response.status_code == 422 and "answers" in response.get_json()["error"]["fields"]
    room = item_of(w.template, "bedding")
    response = browser.client.post(url + "/answers", headers=headers, json={
        "answers": [{"item_id": room.id, "points": 99, "base_version": 0}]})
    assert response.status_code == 422
    assert "answers[0].points" in response.get_json()["error"]["fields"]
    response = browser.client.post(url + "/photos", headers=headers, data={
        "item_id": str(room.id), "client_id": "../../etc", "file": (io.BytesIO(jpeg_bytes()),
                                                                    "p.jpg")})
    assert response.status_code == 422 and "client_id" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 0


def test_a_bad_note_is_named_on_its_answer_and_nothing_is_stored(app, db, schedule,
                                                                  inspection_world):
    """A control character pasted from a document, or a note as long as one: the answer is
    named (the script marks that item instead of sending the same refused change forever)."""
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    url = f"/evaluations/inspections/{inspection.id}/field/answers"
    first, room = w.template.items[0], item_of(w.template, "bedding")
    for note in ("二楼\x0c走廊", "很" * (MAX_NOTE + 1)):
        response = browser.client.post(url, headers=headers, json={"answers": [
            {"item_id": first.id, "yes": True, "base_version": 0},
            {"item_id": room.id, "points": 2, "note": note, "base_version": 0}]})
        assert response.status_code == 422
        assert list(response.get_json()["error"]["fields"]) == ["answers[1].note"]
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0
    response = browser.client.post(url, headers=headers, json={"answers": [
        {"item_id": room.id, "points": 2, "note": "很" * MAX_NOTE + "\n", "base_version": 0}]})
    assert response.status_code == 200


def test_a_photo_too_large_is_refused_in_the_scripts_error_shape(app, db, schedule,
                                                                 inspection_world,
                                                                 monkeypatch):
    """Not the HTML error page, which the script takes for the login page."""
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 200 * 1024)
    response = browser.client.post(
        f"/evaluations/inspections/{inspection.id}/field/photos", headers=headers, data={
            "item_id": str(item_of(w.template, "room_temperature").id),
            "client_id": "3f2a9c1e-0b7d-4c55", "file": (io.BytesIO(b"x" * 300_000), "p.jpg")})
    assert response.status_code == 413 and response.is_json
    assert response.get_json()["error"]["fields"]["file"] == [
        "The file is too large to upload (at most 200 KB)."]
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 0


def test_a_retried_photo_upload_is_stored_once(app, db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    room = item_of(w.template, "room_temperature")
    url = f"/evaluations/inspections/{inspection.id}/field/photos"

    def send():
        return browser.client.post(url, headers=headers, data={
            "item_id": str(room.id), "client_id": "3f2a9c1e-0b7d-4c55-9a8e-1d2c3b4a5f60",
            "file": (io.BytesIO(jpeg_bytes()), "p.jpg")})

    first, again = send(), send()
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert first.get_json()["client_id"] == "3f2a9c1e-0b7d-4c55-9a8e-1d2c3b4a5f60"
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 1


def test_removing_a_photo_keeps_every_answer(app, db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    room = item_of(w.template, "bedding")
    base = f"/evaluations/inspections/{inspection.id}"
    photo = browser.client.post(base + "/field/photos", headers=headers, data={
        "item_id": str(room.id), "file": (io.BytesIO(jpeg_bytes()), "p.jpg")}).get_json()
    browser.client.post(base + "/field/answers", headers=headers, json={
        "answers": [{"item_id": room.id, "points": 4, "base_version": 0}]})
    response = browser.client.post(f"{base}/field/photos/{photo['id']}/delete", headers=headers)
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 0
    assert db.session.scalar(sa.select(InspectionAnswer.points)) == 4
    # a delete sent again (the answer was lost on the way) is a 404, which the script accepts
    again = browser.client.post(f"{base}/field/photos/{photo['id']}/delete", headers=headers)
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "not_found"


def test_the_plain_remove_button_saves_the_answers_posted_with_it(app, db, schedule,
                                                                   inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    room = item_of(w.template, "room_temperature")
    base = f"/evaluations/inspections/{inspection.id}"
    photo = browser.client.post(base + "/field/photos", headers=headers, data={
        "item_id": str(room.id), "file": (io.BytesIO(jpeg_bytes()), "p.jpg")}).get_json()
    first = w.template.items[0]
    response = browser.post(f"{base}/photos/{photo['id']}/delete", {
        "version": "2", f"a-{first.id}": "yes", f"note-{first.id}": "刚填写的", "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    row = db.session.scalar(sa.select(InspectionAnswer).where(InspectionAnswer.item_id == first.id))
    assert row.yes is True and row.note == "刚填写的"
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 0


def test_the_field_door_shows_nothing_to_anyone_else(app, db, schedule, inspection_world,
                                                     make_user):
    w = inspection_world
    inspection = schedule()
    url = f"/evaluations/inspections/{inspection.id}/field"
    stranger = make_user("inspector", region="a")
    other, other_headers = _field(app, schedule(inspector=stranger), stranger)
    assert other.client.get(url + "/state").status_code == 404
    response = other.client.post(url + "/answers", headers=other_headers, json={
        "answers": [{"item_id": w.template.items[0].id, "yes": True, "base_version": 0}]})
    assert response.status_code == 404
    provider = _login(app, w.provider_user)
    assert provider.client.get(url + "/state").status_code == 403
    officer = _login(app, w.officer)
    assert officer.client.get(url + "/state").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0


def test_a_submitted_inspection_refuses_field_saves_with_409(app, db, schedule,
                                                             inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    fill_in(db, inspection, w)
    submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    response = browser.client.post(
        f"/evaluations/inspections/{inspection.id}/field/answers", headers=headers,
        json={"answers": [{"item_id": w.template.items[0].id, "yes": False,
                           "base_version": 99}]})
    assert response.status_code == 409
    assert browser.client.get(f"/evaluations/inspections/{inspection.id}/field/state"
                              ).get_json()["editable"] is False


def test_api_answers_item_by_item_with_conflicts(app, db, schedule, inspection_world,
                                                 api_login):
    w = inspection_world
    inspection = schedule()
    api = api_login(w.inspector)
    url = f"/api/v1/inspections/{inspection.id}/answers"
    room = item_of(w.template, "bedding")  # points, max 4
    response = api.put(url, json={"answers": [{"item_id": room.id, "points": 4,
                                               "base_version": 0}]})
    assert response.status_code == 200 and response.get_json()["conflicts"] == []
    version = response.get_json()["answers"][0]["version"]
    assert version == 2
    response = api.put(url, json={"answers": [{"item_id": room.id, "points": 1,
                                               "base_version": 0}]})
    assert response.status_code == 200
    [conflict] = response.get_json()["conflicts"]
    assert conflict["yours"]["points"] == 1 and conflict["theirs"] == {
        "points": 4.0, "yes": None, "na": False, "note": "", "version": 2, "reading": None}
    response = api.put(url, json={"answers": [{"item_id": room.id, "points": 1}]})
    assert response.status_code == 422
    assert "answers[0].base_version" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(InspectionAnswer.points)) == 4
