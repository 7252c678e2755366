"""``/api/v1/corrective-actions`` and ``/api/v1/campaigns``: read and answer, with visibility.

Until the lead registers ``evaluations.followup_api.blp`` in the factory, these tests run on
a second app (same database) that registers it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evaluations.actions import services
from tests.conftest import PASSWORD, ApiClient

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def api_app(app, test_config):
    if "api_followup" in app.blueprints:
        yield app
        return
    from app import create_app
    from app.extensions import csrf
    from app.extensions import db as _db
    from evaluations.actions.api import blp
    from tests.conftest import IsolatedClient

    second = create_app(test_config)
    csrf.exempt(blp)
    second.register_blueprint(blp)
    second.test_client_class = IsolatedClient
    yield second
    with second.app_context():
        _db.engine.dispose()


@pytest.fixture
def login(api_app):
    def make(user) -> ApiClient:
        client = api_app.test_client()
        response = client.post("/api/v1/tokens", json={"email": user.email,
                                                       "password": PASSWORD})
        assert response.status_code == 201
        return ApiClient(client, response.get_json()["token"])

    return make


@pytest.fixture
def world(inspection_world, fixed_today, db):
    fixed_today(TODAY)
    w = inspection_world
    w.action = services.create_action(description="灭火器压力不足", severity="red",
                                      deadline=TODAY + timedelta(days=7),
                                      facility=w.facility, actor=w.officer)
    db.session.commit()
    return w


def test_provider_lists_and_reads_its_own_actions(world, login):
    api = login(world.provider_user)
    body = api.get("/api/v1/corrective-actions").get_json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["description"] == "灭火器压力不足" and item["severity"] == "red"
    assert item["status"] == "open" and item["overdue"] is False
    assert item["deadline"] == "2026-06-22" and item["provider_id"] == world.provider.id
    detail = api.get(f"/api/v1/corrective-actions/{world.action.id}")
    assert detail.status_code == 200


def test_another_provider_gets_404_and_an_empty_list(world, login, make_user):
    api = login(make_user("provider"))
    assert api.get("/api/v1/corrective-actions").get_json()["total"] == 0
    response = api.get(f"/api/v1/corrective-actions/{world.action.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    answer = api.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                      json={"response": "x"})
    assert answer.status_code == 404


def test_provider_answers(world, login, db):
    api = login(world.provider_user)
    response = api.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                        json={"response": "已更换全部灭火器"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "answered"
    db.session.expire_all()
    assert world.action.response == "已更换全部灭火器"


def test_an_empty_answer_is_422_naming_the_field(world, login):
    api = login(world.provider_user)
    response = api.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                        json={"response": "  "})
    assert response.status_code == 422
    assert "response" in response.get_json()["error"]["fields"]


def test_answer_needs_a_token_and_the_provider_role(world, login, api_app):
    assert api_app.test_client().get("/api/v1/corrective-actions").status_code == 401
    officer = login(world.officer)
    response = officer.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                            json={"response": "x"})
    assert response.status_code == 403


def test_filters_and_overdue(world, login, fixed_today):
    api = login(world.officer)
    assert api.get("/api/v1/corrective-actions?overdue=true").get_json()["total"] == 0
    assert api.get("/api/v1/corrective-actions?severity=blue").get_json()["total"] == 0
    fixed_today(TODAY + timedelta(days=8))
    api = login(world.officer)  # a token lives less than eight days
    body = api.get("/api/v1/corrective-actions?overdue=true").get_json()
    assert body["total"] == 1 and body["items"][0]["overdue"] is True
    assert api.get("/api/v1/corrective-actions?status=purple").status_code == 422


def test_officer_outside_the_region_sees_nothing(world, login, make_user):
    api = login(make_user("officer", region="b"))
    assert api.get("/api/v1/corrective-actions").get_json()["total"] == 0
    assert api.get(f"/api/v1/corrective-actions/{world.action.id}").status_code == 404


def test_officer_reopen_needs_a_reason_and_close_twice_is_409(world, login):
    api = login(world.officer)
    url = f"/api/v1/corrective-actions/{world.action.id}"
    assert api.post(f"{url}/close", json={}).status_code == 200
    assert api.post(f"{url}/close", json={}).status_code == 409
    assert api.post(f"{url}/reopen", json={"reason": ""}).status_code == 422
    body = api.post(f"{url}/reopen", json={"reason": "复查未整改"}).get_json()
    assert body["status"] == "open" and body["reopen_count"] == 1


def test_campaign_create_and_read_with_progress(world, login, make_user, make_facility):
    make_facility("b1", name="乙一养老院")
    inspector_b = make_user("inspector", region="b")
    api = login(make_user("officer", region="city"))
    response = api.post("/api/v1/campaigns", json={
        "name": "平安工程", "template_id": world.template.id, "region_code": "100000",
        "facility_kinds": ["elderly_home"], "window_start": "2026-07-01",
        "window_end": "2026-07-31", "inspector_ids": [world.inspector.id, inspector_b.id]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["inspection_ids"]) == 2
    assert body["progress"]["totals"]["scheduled"] == 2
    assert {c["region_code"] for c in body["progress"]["by_county"]} == {"100100", "100200"}
    mine = login(inspector_b).get(f"/api/v1/campaigns/{body['id']}")
    assert mine.status_code == 200
    assert login(world.provider_user).get("/api/v1/campaigns").status_code == 403


def test_campaign_with_no_matching_home_is_422(world, login):
    api = login(world.officer)
    response = api.post("/api/v1/campaigns", json={
        "name": "x", "template_id": world.template.id, "region_code": "100100",
        "facility_kinds": ["child_welfare"], "window_start": "2026-07-01",
        "window_end": "2026-07-31", "inspector_ids": [world.inspector.id]})
    assert response.status_code == 422
    assert "No facility matches" in response.get_json()["error"]["message"]
