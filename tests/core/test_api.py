"""The JSON door: tokens, /me, regions, and one error format for every failure."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.auth.models import ApiToken
from app.regions.models import Region
from tests.clients import PASSWORD, ApiClient, error_of


def test_token_then_me(client, make_user, regions):
    user = make_user("officer", region="a")
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"] and datetime.fromisoformat(body["expires_at"]).tzinfo is not None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json() == {"id": user.id, "email": user.email, "name": "", "role": "officer",
                             "region_code": "100100", "provider_id": None, "locale": None}


def test_tokens_are_stored_hashed(client, make_user, db):
    user = make_user("admin")
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}
                        ).get_json()["token"]
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_wrong_password_is_401_in_the_error_format(client, make_user):
    user = make_user("officer")
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_failed_api_logins_count_towards_throttling(client, make_user):
    user = make_user("officer")
    for _ in range(5):
        client.post("/api/v1/tokens", json={"email": user.email, "password": "nope"})
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in error_of(response)["message"]


def test_no_token_or_bad_token_is_401(client):
    assert error_of(client.get("/api/v1/me"))["code"] == "unauthorized"
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_session_cookie_does_not_open_the_api(as_user):
    browser, _ = as_user("admin")
    assert browser.client.get("/api/v1/me").status_code == 401


def test_token_expires(api_as, app):
    start = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    clock.set_clock(lambda: start)
    api, _ = api_as("officer")
    assert api.get("/api/v1/me").status_code == 200
    clock.set_clock(lambda: start + app.config["API_TOKEN_LIFETIME"] - timedelta(seconds=1))
    assert api.get("/api/v1/me").status_code == 200
    clock.set_clock(lambda: start + app.config["API_TOKEN_LIFETIME"])
    assert api.get("/api/v1/me").status_code == 401


def test_token_revoked_by_delete(api_as):
    api, _ = api_as("officer")
    assert api.delete("/api/v1/tokens").status_code == 204
    assert api.get("/api/v1/me").status_code == 401


def test_disabling_a_user_revokes_their_tokens(api_as, as_user, db):
    api, user = api_as("inspector")
    admin_browser, _ = as_user("admin")
    admin_browser.get(f"/admin/users/{user.id}")
    assert admin_browser.post(f"/admin/users/{user.id}/disable").status_code == 302
    assert api.get("/api/v1/me").status_code == 401
    # enabling the account again does not bring the old token back
    admin_browser.get(f"/admin/users/{user.id}")
    assert admin_browser.post(f"/admin/users/{user.id}/enable").status_code == 302
    assert api.get("/api/v1/me").status_code == 401


def test_malformed_json_is_400_in_the_error_format(client):
    response = client.post("/api/v1/tokens", data="{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_missing_fields_are_422_naming_them(client):
    response = client.post("/api/v1/tokens", json={"email": "a@b.cn"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error" and "password" in error["fields"]


def test_unknown_api_path_is_json_404(api_as):
    api, _ = api_as("officer")
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_wrong_method_is_json_405(client):
    response = client.put("/api/v1/tokens", json={})
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


def test_oversized_body_is_json_413(client, app):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/api/v1/tokens", data=big,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"


def test_regions_list_is_scoped_and_paginated(api_as, regions):
    api, _ = api_as("officer", region="a")
    body = api.get("/api/v1/regions?per_page=2").get_json()
    assert body["total"] == 3 and body["per_page"] == 2 and len(body["items"]) == 2
    codes = {r["code"] for r in api.get("/api/v1/regions").get_json()["items"]}
    assert codes == {"100100", "100100001", "100100001001"}
    assert api.get("/api/v1/regions?per_page=201").status_code == 422


@pytest.mark.parametrize("q, total", [("%", 0), ("_", 0), ("100100", 3), ("甲一", 2)])
def test_the_region_search_finds_what_contains_the_text(api_as, regions, q, total):
    api, _ = api_as("officer", region="a")
    assert api.get("/api/v1/regions", query_string={"q": q}).get_json()["total"] == total


def test_admin_creates_a_region(api_as, regions, db):
    api, _ = api_as("admin")
    response = api.post("/api/v1/regions", json={"code": "100200102", "name": "乙二镇",
                                                 "parent_code": "100200"})
    assert response.status_code == 201
    assert response.get_json()["parent_code"] == "100200"
    region = db.session.scalar(sa.select(Region).where(Region.code == "100200102"))
    assert region.level.value == "township" and region.path.startswith(regions["b"].path)


@pytest.mark.parametrize("payload, field", [
    ({"code": "100200102", "name": "x", "parent_code": "999999"}, "parent_code"),
    ({"code": "100100", "name": "dup", "parent_code": "100000"}, "code"),
    ({"code": "12ab", "name": "x", "parent_code": "100000"}, "code"),
    # full-width digits, as a Chinese input method types them: they look like 100100
    ({"code": "１００１００", "name": "甲区（全角）", "parent_code": "100000"}, "code"),
    ({"code": "100300", "name": "", "parent_code": "100000"}, "name"),
])
def test_bad_region_is_422_naming_the_field(api_as, regions, db, payload, field):
    api, _ = api_as("admin")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Region))
    response = api.post("/api/v1/regions", json=payload)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == before


def test_only_admins_create_regions(api_as, regions):
    api, _ = api_as("officer")
    response = api.post("/api/v1/regions", json={"code": "100300", "name": "x",
                                                 "parent_code": "100000"})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/tokens", "/api/v1/me", "/api/v1/regions"):
        assert path in spec["paths"], path


def test_api_client_helper_sends_the_token(api_as):
    api, user = api_as("provider")
    assert isinstance(api, ApiClient)
    assert api.get("/api/v1/me").get_json()["provider_id"] == user.provider_id
