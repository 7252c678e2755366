"""HTML pages of the assessment templates: list, detail, preview, export, import, editor."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.models import AssessmentTemplate, TemplateStatus
from evaluations.assessment.services import export_template
from evaluations.cli import templates_cli


def versions(db, code):
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(AssessmentTemplate.version)
                                     .where(AssessmentTemplate.code == code)))


@pytest.mark.parametrize("role", ["admin", "officer", "inspector"])
def test_staff_see_list_detail_and_preview(as_user, make_template, role):
    template = make_template("quality")
    make_template("safety")
    browser, _ = as_user(role)
    listing = browser.get("/evaluations/templates")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "quality" in page and "safety" in page and "Current" in page
    assert str(len(template.items)) in page
    detail = browser.get(f"/evaluations/templates/{template.id}").get_data(as_text=True)
    first = template.items[0]
    assert first.text_en in detail and first.guidance_en in detail and "Veto" in detail
    preview = browser.get(f"/evaluations/templates/{template.id}/preview")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert 'class="btn-check"' in html and "Not applicable" in html and "Note" in html
    edit_link = f"/evaluations/templates/{template.id}/edit"
    assert (edit_link in detail) is (role == "admin")


def test_list_filters_by_code_and_status(as_user, make_template):
    make_template("quality")
    make_template("safety", publish=False)
    browser, _ = as_user("admin")
    page = browser.get("/evaluations/templates?code=safety").get_data(as_text=True)
    assert "<code>safety</code>" in page and "<code>quality</code>" not in page
    page = browser.get("/evaluations/templates?status=draft").get_data(as_text=True)
    assert "safety" in page and "<code>quality</code>" not in page


def test_provider_gets_403(as_user, make_template):
    template = make_template("quality")
    browser, _ = as_user("provider")
    for url in ("/evaluations/templates", f"/evaluations/templates/{template.id}",
                f"/evaluations/templates/{template.id}/preview",
                f"/evaluations/templates/{template.id}/export.json"):
        assert browser.get(url).status_code == 403, url


def test_officer_may_not_write(as_user, make_template):
    template = make_template("quality")
    browser, _ = as_user("officer")
    assert browser.get(f"/evaluations/templates/{template.id}/edit").status_code == 403
    assert browser.get("/evaluations/templates/import").status_code == 403
    assert browser.post(f"/evaluations/templates/{template.id}/retire").status_code == 403


def test_drafts_are_404_to_officers(as_user, make_template):
    draft = make_template("safety", publish=False)
    browser, _ = as_user("officer")
    assert browser.get(f"/evaluations/templates/{draft.id}").status_code == 404


def test_code_page_shows_current_or_the_shipped_file(as_user, make_template):
    browser, _ = as_user("inspector")
    page = browser.get("/evaluations/checklists/safety")
    assert page.status_code == 200 and load_builtin("safety")["name"]["en"] in \
        page.get_data(as_text=True)
    assert browser.get("/evaluations/checklists/nope").status_code == 404
    template = make_template("safety")
    response = browser.get("/evaluations/checklists/safety")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/evaluations/templates/{template.id}")


def test_export_downloads_json(as_user, make_template):
    template = make_template("warm_winter")
    browser, _ = as_user("officer")
    response = browser.get(f"/evaluations/templates/{template.id}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.get_data()) == load_builtin("warm_winter")


def _upload(data: bytes, publish: bool = False) -> dict:
    form = {"file": (io.BytesIO(data), "template.json")}
    if publish:
        form["publish"] = "y"
    return form


def test_import_upload(as_user, db):
    browser, _ = as_user("admin")
    browser.get("/evaluations/templates/import")
    body = json.dumps(load_builtin("quality"), ensure_ascii=False).encode()
    response = browser.post("/evaluations/templates/import", _upload(body, publish=True),
                            content_type="multipart/form-data")
    assert response.status_code == 302
    assert versions(db, "quality") == [1]
    stored = db.session.scalar(sa.select(AssessmentTemplate))
    assert stored.status is TemplateStatus.PUBLISHED


@pytest.mark.parametrize("payload, expected", [
    (b"{broken", "Not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_import_unreadable_file(as_user, db, payload, expected):
    browser, _ = as_user("admin")
    browser.get("/evaluations/templates/import")
    response = browser.post("/evaluations/templates/import", _upload(payload),
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert expected in response.get_data(as_text=True)
    assert versions(db, "quality") == []


def test_import_bad_template_lists_paths_and_stores_nothing(as_user, db):
    data = load_builtin("quality")
    data["sections"][1]["items"][2]["kind"] = "stars"
    browser, _ = as_user("admin")
    browser.get("/evaluations/templates/import")
    response = browser.post("/evaluations/templates/import",
                            _upload(json.dumps(data).encode()),
                            content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "sections[1].items[2].kind" in page and "Nothing was stored" in page
    assert versions(db, "quality") == []


def test_editor_bad_max_points_is_422_and_no_new_version(as_user, make_template, db):
    template = make_template("quality")
    browser, _ = as_user("admin")
    form_page = browser.get(f"/evaluations/templates/{template.id}/edit")
    assert form_page.status_code == 200
    data = export_template(template)
    key = data["sections"][1]["items"][0]["key"]
    data["sections"][1]["items"][0]["max_points"] = 2.3
    response = browser.post(f"/evaluations/templates/{template.id}/edit",
                            {"definition": json.dumps(data), "save": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "sections[1].items[0].max_points" in page and key in page
    assert versions(db, "quality") == [1]


def test_editor_good_post_makes_a_new_version(as_user, make_template, db):
    template = make_template("quality")
    old_text = template.items[0].text_zh
    browser, admin = as_user("admin")
    browser.get(f"/evaluations/templates/{template.id}/edit")
    data = export_template(template)
    data["name"]["en"] = "Service quality assessment (2027)"
    data["sections"][0]["weight"] = 25
    data["sections"][0]["items"].append({
        "key": "new_item", "text": {"zh_CN": "新增检查项", "en": "New item"},
        "kind": "points", "max_points": 2.5, "allow_na": True})
    data["sections"][0]["items"][0]["text"]["zh_CN"] = "改写"
    response = browser.post(f"/evaluations/templates/{template.id}/edit",
                            {"definition": json.dumps(data), "save": "y"})
    assert response.status_code == 302
    assert versions(db, "quality") == [1, 2]
    v1, v2 = db.session.scalars(sa.select(AssessmentTemplate).order_by(
        AssessmentTemplate.version)).all()
    assert v1.items[0].text_zh == old_text
    assert v2.items[0].text_zh == "改写" and v2.sections[0].items[-1].key == "new_item"
    assert v2.created_by_id == admin.id and v2.status is TemplateStatus.PUBLISHED
    assert response.headers["Location"].endswith(f"/evaluations/templates/{v2.id}")


def test_editor_preview_validates_without_storing(as_user, make_template, db):
    template = make_template("safety")
    browser, _ = as_user("admin")
    browser.get(f"/evaluations/templates/{template.id}/edit")
    data = export_template(template)
    data["sections"][0]["items"][0]["text"]["en"] = "Previewed wording"
    response = browser.post(f"/evaluations/templates/{template.id}/edit",
                            {"definition": json.dumps(data), "preview": "y"})
    assert response.status_code == 200
    assert "Previewed wording" in response.get_data(as_text=True)
    assert versions(db, "safety") == [1]


def test_editor_invalid_json_is_422(as_user, make_template, db):
    template = make_template("safety")
    browser, _ = as_user("admin")
    browser.get(f"/evaluations/templates/{template.id}/edit")
    response = browser.post(f"/evaluations/templates/{template.id}/edit",
                            {"definition": "{\n  oops", "save": "y"})
    assert response.status_code == 422
    assert "line 2" in response.get_data(as_text=True)
    assert versions(db, "safety") == [1]


def test_publish_and_retire(as_user, make_template, db):
    template = make_template("safety", publish=False)
    browser, _ = as_user("admin")
    page = browser.get(f"/evaluations/templates/{template.id}").get_data(as_text=True)
    assert "data-confirm=" in page  # asked before publishing (app.js)
    assert browser.post(f"/evaluations/templates/{template.id}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(AssessmentTemplate, template.id).status is TemplateStatus.PUBLISHED
    assert browser.post(f"/evaluations/templates/{template.id}/retire").status_code == 302
    db.session.expire_all()
    assert db.session.get(AssessmentTemplate, template.id).status is TemplateStatus.RETIRED


def test_cli_seed_export_import(app, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(templates_cli, ["seed-builtin"])
    assert result.exit_code == 0, result.output
    assert versions(db, "quality") == [1]
    again = runner.invoke(templates_cli, ["seed-builtin"])
    assert "already there" in again.output
    out = tmp_path / "q.json"
    result = runner.invoke(templates_cli, ["export", "quality", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == load_builtin("quality")
    result = runner.invoke(templates_cli, ["import", str(out), "--publish"])
    assert result.exit_code == 0, result.output
    assert versions(db, "quality") == [1, 2]
    bad = load_builtin("quality")
    bad["sections"][0]["weight"] = "x"
    out.write_text(json.dumps(bad), encoding="utf-8")
    result = runner.invoke(templates_cli, ["import", str(out)])
    assert result.exit_code != 0 and "sections[0].weight" in result.output
    assert versions(db, "quality") == [1, 2]


def test_cli_export_refuses_bad_arguments_without_a_traceback(app, db, tmp_path):
    """A version no column holds reached PostgreSQL (integer out of range) and a folder that
    does not exist the file system: both ended in a traceback."""
    runner = app.test_cli_runner()
    assert runner.invoke(templates_cli, ["seed-builtin"]).exit_code == 0
    result = runner.invoke(templates_cli, ["export", "quality", "--version", "99999999999"])
    assert result.exit_code == 2 and "--version" in result.output
    assert isinstance(result.exception, SystemExit)
    missing = tmp_path / "no-such-folder" / "q.json"
    result = runner.invoke(templates_cli, ["export", "quality", "-o", str(missing)])
    assert result.exit_code == 1 and f"Cannot write {missing}" in result.output
    assert isinstance(result.exception, SystemExit) and not missing.parent.exists()


def test_cli_import_refuses_a_file_nested_too_deeply(app, db, tmp_path):
    """JSON nested thousands of levels deep ended the import in a RecursionError's traceback."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = app.test_cli_runner().invoke(templates_cli, ["import", str(deep)])
    assert result.exit_code == 1 and "nested more than 32 levels deep" in result.output
    assert isinstance(result.exception, SystemExit)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentTemplate)) == 0


def test_demo_seed_stores_the_builtin_templates(db, demo_city):
    stored = db.session.scalars(sa.select(AssessmentTemplate)).all()
    assert sorted(t.code for t in stored) == sorted(
        ["quality", "safety", "warm_winter", "survey_service", "child_welfare", "grading"])
    assert all(t.version == 1 and t.status is TemplateStatus.PUBLISHED for t in stored)


def test_import_racing_another_admin_shows_the_conflict(as_user, make_template, db,
                                                        monkeypatch):
    from evaluations.assessment import services as template_services

    make_template("quality")
    monkeypatch.setattr(template_services, "_next_version", lambda code: 1)
    browser, _ = as_user("admin")
    browser.get("/evaluations/templates/import")
    body = json.dumps(load_builtin("quality"), ensure_ascii=False).encode()
    response = browser.post("/evaluations/templates/import", _upload(body),
                            content_type="multipart/form-data")
    assert response.status_code == 409
    assert "saved at the same time" in response.get_data(as_text=True)
    assert versions(db, "quality") == [1]


def test_editor_racing_another_admin_shows_the_conflict(as_user, make_template, db):
    template = make_template("quality")
    browser, _ = as_user("admin")
    browser.get(f"/evaluations/templates/{template.id}/edit")
    data = export_template(template)
    data["sections"][0]["weight"] = 11
    make_template("quality")                  # another admin stored version 2 meanwhile
    response = browser.post(f"/evaluations/templates/{template.id}/edit",
                            {"definition": json.dumps(data), "save": "y"})
    assert response.status_code == 409
    assert "saved at the same time" in response.get_data(as_text=True)
    assert versions(db, "quality") == [1, 2]


def test_a_template_file_nested_too_deeply_is_refused_not_a_500(as_user, db):
    """100,000 brackets were a RecursionError (a 500); the page says why, and stores nothing."""
    browser, _ = as_user("admin")
    browser.get("/evaluations/templates/import")
    response = browser.post("/evaluations/templates/import",
                            _upload(("[" * 100_000 + "]" * 100_000).encode()),
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert "nested more than 32 levels deep" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentTemplate)) == 0
