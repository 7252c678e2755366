"""The inspections' JSON API: schedule, answer with the version, submit, finalize, photos,
and the 404s of visibility."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from evaluations.inspections.models import Inspection, InspectionAnswer
from tests.clients import PASSWORD, ApiClient
from tests.factories import full_answers, jpeg_bytes


def _api_for(app, db, user) -> ApiClient:
    client = app.test_client()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    return ApiClient(client, response.get_json()["token"])


def _item(template, key):
    return next(item for item in template.items if item.key == key)


def test_officer_schedules_through_the_api(app, db, inspection_world, make_user):
    w = inspection_world
    api = _api_for(app, db, w.officer)
    body = {"template_id": w.template.id, "facility_id": w.facility.id,
            "inspector_id": w.inspector.id, "scheduled_for": "2026-11-10"}
    response = api.post("/api/v1/inspections", json=body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == "scheduled" and data["version"] == 1
    assert data["provider_id"] == w.provider.id and data["contract_id"] == w.contract.id
    assert data["answers"] == [] and data["result"] is None

    outsider = make_user("inspector", region="b")
    response = api.post("/api/v1/inspections", json=body | {"inspector_id": outsider.id})
    assert response.status_code == 422
    assert "inspector_id" in response.get_json()["error"]["fields"]

    b_officer = _api_for(app, db, make_user("officer", region="b"))
    response = b_officer.post("/api/v1/inspections", json=body)
    assert response.status_code == 422
    assert "facility_id" in response.get_json()["error"]["fields"]

    inspector_api = _api_for(app, db, w.inspector)
    assert inspector_api.post("/api/v1/inspections", json=body).status_code == 403
    assert app.test_client().post("/api/v1/inspections", json=body).status_code == 401



def test_the_api_refuses_a_superseded_template_version_as_the_form_does(app, db,
                                                                         inspection_world):
    """The schedule form offers only each template's current version; the API answers 422
    naming ``template_id`` for an older one, and schedules nothing."""
    from evaluations.assessment.services import export_template, new_version

    w = inspection_world
    doc = export_template(w.template)
    doc["parameters"]["min_room_temperature"]["value"] = 20
    newer = new_version(w.template, doc, None)
    db.session.commit()
    api = _api_for(app, db, w.officer)
    body = {"template_id": w.template.id, "facility_id": w.facility.id,
            "inspector_id": w.inspector.id, "scheduled_for": "2026-11-10"}
    response = api.post("/api/v1/inspections", json=body)
    assert response.status_code == 422, response.get_json()
    assert f"v{newer.version}" in response.get_json()["error"]["fields"]["template_id"][0]
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 0
    response = api.post("/api/v1/inspections", json=body | {"template_id": newer.id})
    assert response.status_code == 201, response.get_json()


def test_fill_submit_finalize_through_the_api(app, db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    api = _api_for(app, db, w.inspector)
    url = f"/api/v1/inspections/{inspection.id}"

    answers = full_answers(w.template)
    response = api.put(url + "/answers", json={"version": 1, "answers": answers[:3]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2 and response.get_json()["status"] == "in_progress"

    # a stale version: 409 and nothing overwritten
    response = api.put(url + "/answers", json={"version": 1, "answers": [
        {"item_id": answers[0]["item_id"], "yes": False}]})
    assert response.status_code == 409
    assert "reload" in response.get_json()["error"]["message"]
    row = db.session.scalar(sa.select(InspectionAnswer)
                            .where(InspectionAnswer.item_id == answers[0]["item_id"]))
    assert row.yes is True

    response = api.post(url + "/submit")
    assert response.status_code == 422

    response = api.put(url + "/answers", json={"version": 2, "answers": answers})
    assert response.status_code == 200
    for item in w.template.items:
        if item.evidence_required:
            response = api.post(url + "/photos", data={
                "item_id": str(item.id),
                "file": (io.BytesIO(jpeg_bytes(taken="2026:11:10 10:00:00")), "e.jpg")})
            assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["taken_at"].startswith("2026-11-10T02:00:00")

    response = api.post(url + "/submit")
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]
    assert result["total"] == 100.0 and result["grade"] == "excellent"
    assert result["failed_critical"] == []
    assert {s["section_id"] for s in result["sections"]} == {s.id for s in w.template.sections}
    assert all(s["score"] == 100.0 for s in result["sections"])

    assert api.post(url + "/finalize").status_code == 403
    officer = _api_for(app, db, w.officer)
    response = officer.post(url + "/finalize")
    assert response.status_code == 200 and response.get_json()["status"] == "finalized"

    # frozen: every write refused
    version = response.get_json()["version"]
    assert api.put(url + "/answers", json={"version": version, "answers": answers[:1]}
                   ).status_code == 409
    assert api.post(url + "/submit").status_code == 409
    assert api.post(url + "/photos", data={"item_id": str(answers[0]["item_id"]),
                                           "file": (io.BytesIO(jpeg_bytes()), "x.jpg")}
                    ).status_code == 409
    assert api.delete(f"{url}/photos/{photo['id']}").status_code == 409
    assert officer.post(url + "/finalize").status_code == 409

    # the provider reads it now, and its photo
    provider = _api_for(app, db, w.provider_user)
    response = provider.get(url)
    assert response.status_code == 200 and response.get_json()["result"]["total"] == 100.0
    assert provider.get(f"{url}/photos/{photo['id']}").status_code == 200
    assert provider.get(f"{url}/photos/{photo['id']}").mimetype == "image/jpeg"


def test_invalid_answers_answer_422_naming_the_item(app, db, schedule, inspection_world,
                                                     make_template):
    w = inspection_world
    inspection = schedule()
    api = _api_for(app, db, w.inspector)
    room = _item(w.template, "room_temperature")
    other = make_template("safety").items[0]
    for answer, field in [({"item_id": room.id, "points": 7}, "answers[0].points"),
                          ({"item_id": room.id, "points": 0.3}, "answers[0].points"),
                          ({"item_id": other.id, "yes": True}, "answers[0].item_id"),
                          ({"item_id": room.id, "na": True}, "answers[0].na")]:
        response = api.put(f"/api/v1/inspections/{inspection.id}/answers",
                           json={"version": 1, "answers": [answer]})
        assert response.status_code == 422, answer
        error = response.get_json()["error"]
        assert field in error["fields"]
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0
    assert db.session.get(Inspection, inspection.id).version == 1


def test_points_of_any_exponent_answer_422_and_store_nothing(app, db, schedule,
                                                             inspection_world):
    w = inspection_world
    inspection = schedule()
    api = _api_for(app, db, w.inspector)
    bedding = _item(w.template, "bedding")
    for points in ("1e9999999", "-1e999999999", "1e-9999999"):
        response = api.put(f"/api/v1/inspections/{inspection.id}/answers", json={
            "version": 1, "answers": [{"item_id": bedding.id, "points": points}]})
        assert response.status_code == 422, points
        assert "answers[0].points" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0


@pytest.mark.parametrize("change, field", [
    ('"points": 1e999', "answers[0].points"),
    ('"note": "cold\\u0000"', "answers[0].note"),
    ('"yes": true, "base_version": 1180591620717411303424', "answers[0].base_version")])
def test_an_answer_the_door_refuses_is_named_as_the_service_names_it(
        app, db, schedule, inspection_world, change, field):
    # the door's own checks named it answers.0.points, the service answers[0].points
    w = inspection_world
    inspection = schedule()
    bedding = _item(w.template, "bedding")
    version = "" if "base_version" in change else '"version": 1, '
    response = _api_for(app, db, w.inspector).put(
        f"/api/v1/inspections/{inspection.id}/answers",
        data=f'{{{version}"answers": [{{"item_id": {bedding.id}, {change}}}]}}',
        headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0


def test_visibility_answers_404(app, db, schedule, inspection_world, make_user):
    w = inspection_world
    inspection = schedule()
    url = f"/api/v1/inspections/{inspection.id}"
    other_inspector = _api_for(app, db, make_user("inspector", region="a"))
    assert other_inspector.get(url).status_code == 404
    assert other_inspector.put(url + "/answers", json={"version": 1, "answers": []}
                               ).status_code == 404
    assert _api_for(app, db, w.provider_user).get(url).status_code == 404
    other_provider = _api_for(app, db, make_user("provider"))
    assert other_provider.get(url).status_code == 404
    assert _api_for(app, db, make_user("officer", region="b")).get(url).status_code == 404
    assert _api_for(app, db, w.officer).get(url).status_code == 200
    assert _api_for(app, db, w.inspector).get(url).status_code == 200

    listing = _api_for(app, db, w.inspector).get("/api/v1/inspections").get_json()
    assert [i["id"] for i in listing["items"]] == [inspection.id]
    assert other_inspector.get("/api/v1/inspections").get_json()["total"] == 0
    assert _api_for(app, db, w.provider_user).get("/api/v1/inspections").get_json()["total"] == 0


def test_the_list_sends_each_answer_as_the_inspection_itself_does(app, db, inspection_world,
                                                                   make_scored_inspection):
    """The list reads its answers as rows and sends them as built (``Prepared``): they must
    be what the inspection's own page sends, and what the schema itself would make of them."""
    from decimal import Decimal

    from evaluations.inspections.api import AnswerSchema

    w = inspection_world
    items = w.template.items
    refused = next(i for i in items if i.kind == "yes_no")
    varied = {refused.key: False}
    if skipped := next((i for i in items if i.allow_na and i.key not in varied), None):
        varied[skipped.key] = "na"
    if partial := next((i for i in items if i.kind not in ("yes_no", "reading")
                        and i.key not in varied and i.max_points >= 1), None):
        varied[partial.key] = Decimal(partial.max_points) - Decimal("0.5")
    inspection = make_scored_inspection(w, varied)
    api = _api_for(app, db, w.officer)
    listed = api.get("/api/v1/inspections").get_json()["items"]
    alone = api.get(f"/api/v1/inspections/{inspection.id}").get_json()
    assert [i["id"] for i in listed] == [inspection.id]
    assert listed[0]["answers"] == alone["answers"]
    by_item = {a["item_id"]: a for a in alone["answers"]}
    assert len(by_item) == len(items) and by_item[refused.id]["yes"] is False
    if skipped:
        assert by_item[skipped.id]["na"] is True
    if partial:
        assert by_item[partial.id]["points"] == float(partial.max_points) - 0.5
    assert AnswerSchema(many=True).dump(alone["answers"]) == alone["answers"]
