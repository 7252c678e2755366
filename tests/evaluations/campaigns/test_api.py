"""``/api/v1/campaigns``: create with all inspections, read with progress, with visibility."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date(2026, 6, 15)


@pytest.fixture
def world(inspection_world, fixed_today):
    fixed_today(TODAY)
    return inspection_world


def test_campaign_create_and_read_with_progress(world, api_login, make_user, make_facility):
    make_facility("b1", name="乙一养老院")
    inspector_b = make_user("inspector", region="b")
    api = api_login(make_user("officer", region="city"))
    response = api.post("/api/v1/campaigns", json={
        "name": "平安工程", "template_id": world.template.id, "region_code": "100000",
        "facility_kinds": ["elderly_home"], "window_start": "2026-07-01",
        "window_end": "2026-07-31", "inspector_ids": [world.inspector.id, inspector_b.id]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["inspection_ids"]) == 2
    assert body["progress"]["totals"]["scheduled"] == 2
    assert {c["region_code"] for c in body["progress"]["by_county"]} == {"100100", "100200"}
    # both names of each county, as /regions gives them (an English client reads name_en)
    regions = {r["code"]: r for r in api.get("/api/v1/regions").get_json()["items"]}
    assert {(c["region_name"], c["region_name_en"]) for c in body["progress"]["by_county"]} == {
        (regions[code]["name"], regions[code]["name_en"] or "") for code in ("100100", "100200")}
    mine = api_login(inspector_b).get(f"/api/v1/campaigns/{body['id']}")
    assert mine.status_code == 200
    assert api_login(world.provider_user).get("/api/v1/campaigns").status_code == 403


def test_campaign_with_no_matching_home_is_422(world, api_login):
    api = api_login(world.officer)
    response = api.post("/api/v1/campaigns", json={
        "name": "x", "template_id": world.template.id, "region_code": "100100",
        "facility_kinds": ["child_welfare"], "window_start": "2026-07-01",
        "window_end": "2026-07-31", "inspector_ids": [world.inspector.id]})
    assert response.status_code == 422
    assert "No facility matches" in response.get_json()["error"]["message"]


def test_an_officer_may_not_send_an_inspector_of_another_county(world, api_login, make_user):
    """The page offers an officer of county A only the inspectors of A or above; the API
    took one of county B too, who then saw county A's campaign."""
    inspector_b = make_user("inspector", region="b")
    api = api_login(world.officer)
    response = api.post("/api/v1/campaigns", json={
        "name": "平安工程", "template_id": world.template.id, "region_code": "100100",
        "facility_kinds": ["elderly_home"], "window_start": "2026-07-01",
        "window_end": "2026-07-31", "inspector_ids": [world.inspector.id, inspector_b.id]})
    assert response.status_code == 422, response.get_json()
    assert "inspectors" in response.get_json()["error"]["fields"]
    assert api_login(inspector_b).get("/api/v1/campaigns").get_json()["total"] == 0
