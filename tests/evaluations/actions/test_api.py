"""``/api/v1/corrective-actions``: read, answer, close and reopen, with visibility."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evaluations.actions import services

TODAY = date(2026, 6, 15)
REPORT = {"cause": "未按期检测", "responsible_person": "王主任", "completed_on": "2026-06-15"}


@pytest.fixture
def world(inspection_world, fixed_today, db):
    fixed_today(TODAY)
    w = inspection_world
    w.action = services.create_action(description="灭火器压力不足", severity="red",
                                      deadline=TODAY + timedelta(days=7),
                                      facility=w.facility, actor=w.officer)
    db.session.commit()
    return w


def test_provider_lists_and_reads_its_own_actions(world, api_login):
    api = api_login(world.provider_user)
    body = api.get("/api/v1/corrective-actions").get_json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["description"] == "灭火器压力不足" and item["severity"] == "red"
    assert item["status"] == "open" and item["overdue"] is False
    assert item["deadline"] == "2026-06-22" and item["provider_id"] == world.provider.id
    detail = api.get(f"/api/v1/corrective-actions/{world.action.id}")
    assert detail.status_code == 200


def test_another_provider_gets_404_and_an_empty_list(world, api_login, make_user):
    api = api_login(make_user("provider"))
    assert api.get("/api/v1/corrective-actions").get_json()["total"] == 0
    response = api.get(f"/api/v1/corrective-actions/{world.action.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    answer = api.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                      json={"response": "x"})
    assert answer.status_code == 404


def test_provider_answers(world, api_login, db):
    api = api_login(world.provider_user)
    response = api.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                        json={"response": "已更换全部灭火器"} | REPORT)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "answered"
    db.session.expire_all()
    assert world.action.response == "已更换全部灭火器"


def test_an_empty_answer_is_422_naming_the_field(world, api_login):
    api = api_login(world.provider_user)
    response = api.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                        json={"measures": "  "} | REPORT)
    assert response.status_code == 422
    assert "measures" in response.get_json()["error"]["fields"]


def test_answer_needs_a_token_and_the_provider_role(world, api_login, app):
    assert app.test_client().get("/api/v1/corrective-actions").status_code == 401
    officer = api_login(world.officer)
    response = officer.post(f"/api/v1/corrective-actions/{world.action.id}/answer",
                            json={"response": "x"})
    assert response.status_code == 403


def test_filters_and_overdue(world, api_login, fixed_today):
    api = api_login(world.officer)
    assert api.get("/api/v1/corrective-actions?overdue=true").get_json()["total"] == 0
    assert api.get("/api/v1/corrective-actions?severity=blue").get_json()["total"] == 0
    fixed_today(TODAY + timedelta(days=8))
    api = api_login(world.officer)  # a token lives less than eight days
    body = api.get("/api/v1/corrective-actions?overdue=true").get_json()
    assert body["total"] == 1 and body["items"][0]["overdue"] is True
    assert api.get("/api/v1/corrective-actions?status=purple").status_code == 422


def test_officer_outside_the_region_sees_nothing(world, api_login, make_user):
    api = api_login(make_user("officer", region="b"))
    assert api.get("/api/v1/corrective-actions").get_json()["total"] == 0
    assert api.get(f"/api/v1/corrective-actions/{world.action.id}").status_code == 404


def test_officer_reopen_needs_a_reason_and_close_twice_is_409(world, api_login):
    api = api_login(world.officer)
    url = f"/api/v1/corrective-actions/{world.action.id}"
    assert api.post(f"{url}/close", json={}).status_code == 200
    assert api.post(f"{url}/close", json={}).status_code == 409
    assert api.post(f"{url}/reopen", json={"reason": ""}).status_code == 422
    body = api.post(f"{url}/reopen", json={"reason": "复查未整改"}).get_json()
    assert body["status"] == "open" and body["reopen_count"] == 1


def test_a_return_on_a_stale_state_is_409_and_the_action_stays_closed(world, api_login, db):
    """An officer's client read the answered action; a colleague closed it meanwhile: the
    return sent on what the client read is refused, not a reopening of what it never saw."""
    answered = api_login(world.provider_user).post(
        f"/api/v1/corrective-actions/{world.action.id}/answer",
        json={"measures": "已更换全部灭火器"} | REPORT)
    assert answered.status_code == 200
    api = api_login(world.officer)
    url = f"/api/v1/corrective-actions/{world.action.id}"
    read = api.get(url).get_json()["state"]
    services.close_action(world.action, actor=world.officer, note="同意")
    db.session.commit()
    stale = api.post(f"{url}/reopen", json={"reason": "复查未整改", "state_seen": read})
    assert stale.status_code == 409 and "reason" in stale.get_json()["error"]["fields"]
    db.session.expire_all()
    assert world.action.status.value == "closed" and world.action.reopen_count == 0
    fresh = api.get(url).get_json()["state"]
    assert fresh != read
    again = api.post(f"{url}/reopen", json={"reason": "复查未整改", "state_seen": fresh})
    assert again.status_code == 200 and again.get_json()["status"] == "open"


def test_a_close_on_a_stale_state_is_409(world, api_login, db):
    api = api_login(world.officer)
    url = f"/api/v1/corrective-actions/{world.action.id}"
    read = api.get(url).get_json()["state"]
    assert api_login(world.provider_user).post(
        f"{url}/answer", json={"measures": "已更换全部灭火器"} | REPORT).status_code == 200
    stale = api.post(f"{url}/close", json={"note": "同意", "state_seen": read})
    assert stale.status_code == 409 and "note" in stale.get_json()["error"]["fields"]
    db.session.expire_all()
    assert world.action.status.value == "answered"
