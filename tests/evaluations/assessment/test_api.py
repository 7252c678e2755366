"""``/api/v1/templates``: shapes of API.md, roles, languages, export and import."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.models import AssessmentTemplate

ITEM_KEYS = {"id", "text", "kind", "max_points", "critical", "allow_na"}
SECTION_KEYS = {"id", "name", "weight", "items"}
TEMPLATE_KEYS = {"id", "code", "name", "version", "sections", "grade_bands"}


def assert_template_shape(body):
    assert set(body) >= TEMPLATE_KEYS
    assert body["sections"]
    for section in body["sections"]:
        assert set(section) >= SECTION_KEYS
        assert isinstance(section["weight"], int | float)
        for item in section["items"]:
            assert set(item) >= ITEM_KEYS
            assert isinstance(item["max_points"], int | float)
            assert item["kind"] in {"points", "yes_no"}
    assert body["grade_bands"][-1] == {"grade": "fail", "min_score": 0}


@pytest.mark.parametrize("role", ["admin", "officer", "inspector"])
def test_list_and_get_follow_the_contract(api_as, make_template, role):
    quality = make_template("quality")
    make_template("safety")
    api, _ = api_as(role)
    listing = api.get("/api/v1/templates").get_json()
    assert set(listing) == {"items", "total", "page", "per_page"}
    assert listing["total"] == 2
    for body in listing["items"]:
        assert_template_shape(body)
    response = api.get(f"/api/v1/templates/{quality.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert_template_shape(body)
    assert (body["id"], body["code"], body["version"]) == (quality.id, "quality", 1)
    assert body["current"] is True and body["status"] == "published"
    first = quality.sections[0].items[0]
    assert body["sections"][0]["items"][0]["id"] == first.id
    assert len([i for s in body["sections"] for i in s["items"]]) == len(quality.items)


def test_language_follows_the_user_then_accept_language(api_as, make_template):
    template = make_template("quality")
    doc = load_builtin("quality")
    api, user = api_as("officer")
    zh = api.get(f"/api/v1/templates/{template.id}", headers={"Accept-Language": "zh-CN"})
    assert zh.get_json()["name"] == doc["name"]["zh_CN"]
    en = api.get(f"/api/v1/templates/{template.id}", headers={"Accept-Language": "en"})
    assert en.get_json()["name"] == doc["name"]["en"]
    assert en.get_json()["sections"][0]["items"][0]["text"] == \
        doc["sections"][0]["items"][0]["text"]["en"]
    api2, _ = api_as("inspector", locale="zh_CN")
    body = api2.get(f"/api/v1/templates/{template.id}",
                    headers={"Accept-Language": "en"}).get_json()
    assert body["name"] == doc["name"]["zh_CN"]


def test_filters_code_and_current(api_as, make_template):
    make_template("quality")
    v2 = make_template("quality")
    make_template("safety")
    api, _ = api_as("officer")
    by_code = api.get("/api/v1/templates?code=quality").get_json()
    assert [t["version"] for t in by_code["items"]] == [2, 1]
    current = api.get("/api/v1/templates?current=true").get_json()
    assert sorted((t["code"], t["version"]) for t in current["items"]) == [
        ("quality", 2), ("safety", 1)]
    assert v2.id in {t["id"] for t in current["items"]}
    paged = api.get("/api/v1/templates?per_page=1&page=2").get_json()
    assert (paged["total"], paged["page"], len(paged["items"])) == (3, 2, 1)


def test_provider_is_forbidden(api_as, make_template):
    template = make_template("quality")
    api, _ = api_as("provider")
    assert api.get("/api/v1/templates").status_code == 403
    response = api.get(f"/api/v1/templates/{template.id}")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_no_token_is_401(client):
    assert client.get("/api/v1/templates").status_code == 401


def test_unknown_id_is_404_in_the_error_format(api_as):
    api, _ = api_as("officer")
    response = api.get("/api/v1/templates/999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_drafts_are_hidden_from_all_but_admins(api_as, make_template):
    draft = make_template("safety", publish=False)
    officer, _ = api_as("officer")
    assert officer.get(f"/api/v1/templates/{draft.id}").status_code == 404
    assert officer.get("/api/v1/templates").get_json()["total"] == 0
    admin, _ = api_as("admin")
    assert admin.get(f"/api/v1/templates/{draft.id}").get_json()["status"] == "draft"


def test_export_round_trips(api_as, make_template):
    template = make_template("survey_service")
    api, _ = api_as("inspector")
    response = api.get(f"/api/v1/templates/{template.id}/export")
    assert response.status_code == 200
    assert response.get_json() == load_builtin("survey_service")


def test_import_as_admin_creates_the_next_version(api_as, make_template, db):
    make_template("warm_winter")
    api, admin = api_as("admin")
    response = api.post("/api/v1/templates/import?publish=true", json=load_builtin("warm_winter"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["code"], body["version"], body["status"]) == ("warm_winter", 2, "published")
    stored = db.session.get(AssessmentTemplate, body["id"])
    assert stored.created_by_id == admin.id


def test_import_as_officer_is_forbidden(api_as, db):
    api, _ = api_as("officer")
    response = api.post("/api/v1/templates/import", json=load_builtin("quality"))
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentTemplate)) == 0


def test_import_bad_template_is_422_with_paths(api_as, db):
    data = load_builtin("quality")
    data["sections"][2]["items"][4]["max_points"] = 2.3
    data["sections"][0]["items"][0]["kind"] = "stars"
    api, _ = api_as("admin")
    response = api.post("/api/v1/templates/import", json=data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert {"sections[2].items[4].max_points", "sections[0].items[0].kind"} <= set(error["fields"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentTemplate)) == 0


@pytest.mark.parametrize("kind", [["points"], {"points": 1}])
def test_import_with_an_item_kind_that_is_no_text_is_422(api_as, kind):
    data = load_builtin("quality")
    data["sections"][0]["items"][0]["kind"] = kind
    api, _ = api_as("admin")
    response = api.post("/api/v1/templates/import", json=data)
    assert response.status_code == 422
    assert "sections[0].items[0].kind" in response.get_json()["error"]["fields"]


def test_import_non_object_and_malformed_json(api_as):
    api, _ = api_as("admin")
    assert api.post("/api/v1/templates/import", json=[1, 2]).status_code == 422
    response = api.post("/api/v1/templates/import", data="{not json",
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/templates", "/api/v1/templates/{template_id}",
            "/api/v1/templates/import"} <= set(paths)


def test_import_racing_another_admin_is_409(api_as, make_template, db, monkeypatch):
    from evaluations.assessment import services as template_services

    make_template("quality")
    monkeypatch.setattr(template_services, "_next_version", lambda code: 1)
    api, _ = api_as("admin")
    response = api.post("/api/v1/templates/import", json=load_builtin("quality"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert "saved at the same time" in response.get_json()["error"]["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentTemplate)) == 1
