"""A template's own grade bands (issue 13, point 3): any code, its labels, section floors; in the
format, stored with the result, shown with the band's labels, and in the editor."""

from __future__ import annotations

import copy
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.format import parse_template
from evaluations.assessment.models import AssessmentTemplate
from evaluations.assessment.services import export_template, import_template
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import finalize_inspection, submit_inspection
from tests.evaluations.assessment.test_editor import form_fields, stored
from tests.factories import fill_in, on
from tests.reports.money import pdf_text

LEVELS = [
    {"grade": "level_1", "min_score": 90, "label": {"zh_CN": "一级", "en": "Level one"},
     "section_floors": {"fire_facilities": 80}},
    {"grade": "level_2", "min_score": 75, "label": {"zh_CN": "二级", "en": "Level two"}},
    {"grade": "unrated", "min_score": 0, "label": {"zh_CN": "未定级", "en": "Unrated"}},
]


def leveled() -> dict:
    """The warm-winter template with levels of its own instead of the default bands."""
    doc = load_builtin("warm_winter")
    doc["code"], doc["grade_bands"] = "winter_levels", copy.deepcopy(LEVELS)
    return doc


def test_the_format_keeps_labels_and_floors_and_round_trips(db):
    doc = parse_template(leveled())
    assert doc["grade_bands"][0]["section_floors"] == {"fire_facilities": 80}
    assert doc["grade_bands"][1]["label"] == {"zh_CN": "二级", "en": "Level two"}
    assert "section_floors" not in doc["grade_bands"][1]
    template = import_template(leveled(), None, publish=True)
    assert export_template(template) == doc
    plain = parse_template(load_builtin("warm_winter"))
    assert all(set(band) == {"grade", "min_score"} for band in plain["grade_bands"])


@pytest.mark.parametrize(("band", "path"), [
    ({"section_floors": {"nowhere": 50}}, "grade_bands[0].section_floors.nowhere"),
    ({"section_floors": {"fire_facilities": 101}}, "grade_bands[0].section_floors.fire_facilities"),
    ({"section_floors": {"fire_facilities": 80.25}},
     "grade_bands[0].section_floors.fire_facilities"),
    ({"section_floors": [80]}, "grade_bands[0].section_floors"),
    ({"label": {"en": "Top"}}, "grade_bands[0].label.zh_CN"),
    ({"label": "一级"}, "grade_bands[0].label"),
    ({"grade": "Level-1"}, "grade_bands[0].grade"),
    # a JSON list or object as the code: refused, not a 500 from putting it in a set
    ({"grade": ["level_1"]}, "grade_bands[0].grade"),
    ({"grade": {"zh_CN": "一级"}}, "grade_bands[0].grade"),
    ({"colour": "gold"}, "grade_bands[0].colour"),
])
def test_bad_bands_are_refused_at_their_path(band, path):
    doc = leveled()
    doc["grade_bands"][0] |= band
    with pytest.raises(ValidationError) as refused:
        parse_template(doc)
    assert path in refused.value.fields, refused.value.fields


def test_the_last_band_has_no_floors():
    doc = leveled()
    doc["grade_bands"][-1]["section_floors"] = {"heating": 50}
    with pytest.raises(ValidationError) as refused:
        parse_template(doc)
    assert "grade_bands[2].section_floors" in refused.value.fields


def _custom_inspection(db, w, make_user, api_login, schedule):
    """The levels template imported through the API, and an inspection of the home with it:
    fire facilities at 62.5 (extinguishers and hydrants missing), everything else full:
    92.5 in all, enough for level 1's total but not for its fire-safety floor."""
    assert api_login(w.officer).post("/api/v1/templates/import?publish=true",
                                     json=leveled()).status_code == 403
    admin = api_login(make_user("admin"))
    imported = admin.post("/api/v1/templates/import?publish=true", json=leveled())
    assert imported.status_code == 201, imported.get_json()
    template = db.session.get(AssessmentTemplate, imported.get_json()["id"])
    on(date(2026, 11, 10))
    inspection = schedule(template=template)
    world = SimpleNamespace(**{**vars(w), "template": template})
    fill_in(db, inspection, world,
            value=lambda item: False if item.key in ("extinguishers", "hydrants") else None)
    submit_inspection(inspection, actor=w.inspector)
    finalize_inspection(inspection, actor=w.officer)
    db.session.commit()
    return inspection


def test_the_band_code_is_stored_and_the_labels_shown(db, inspection_world, make_user,
                                                       api_login, schedule, as_user):
    w = inspection_world
    inspection = _custom_inspection(db, w, make_user, api_login, schedule)
    db.session.expire_all()
    stored_row = db.session.get(Inspection, inspection.id)
    assert stored_row.total == 92.5 and stored_row.grade == "level_2"
    result = api_login(w.officer).get(f"/api/v1/inspections/{inspection.id}").get_json()
    assert result["result"]["grade"] == "level_2"
    assert result["result"]["grade_label"] == "Level two 二级"
    english, _ = as_user("officer", region="a")
    page = english.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert 'data-grade="level_2"' in page and "Level two · 二级" in page
    chinese, _ = as_user("officer", region="a", locale="zh_CN")
    page = chinese.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert "二级" in page and "Level two" not in page
    detail = chinese.get(f"/evaluations/templates/{inspection.template_id}").get_data(True)
    assert "一级" in detail and "fire_facilities</code> ≥ 80" in detail
    # the dashboard counts the custom grade without tripping over it
    dashboard = english.get("/reports/dashboard?year=2026")
    assert dashboard.status_code == 200


def test_the_scorecard_shows_the_label_and_what_held_it_back(db, inspection_world, make_user,
                                                              api_login, schedule, api_as):
    w = inspection_world
    inspection = _custom_inspection(db, w, make_user, api_login, schedule)
    api, _ = api_as("officer", region="a", locale="zh_CN")
    text = pdf_text(api.get(f"/api/v1/inspections/{inspection.id}/scorecard.pdf",
                            headers={"Accept-Language": "zh-CN"}).data)
    assert "92.5" in text and "二级" in text
    assert "一级 要求" in text and "≥ 80" in text and "62.5" in text


def test_the_editor_sets_labels_and_floors(as_user, make_template, db):
    template = make_template("quality")
    browser, _ = as_user("admin")
    url = f"/evaluations/templates/{template.id}/editor"
    fields = form_fields(browser.get(url).get_data(as_text=True))
    fields |= {"grade_bands-0-grade": "level_1", "grade_bands-0-label_zh": "一级",
               "grade_bands-0-label_en": "Level one",
               "grade_bands-0-section_floors": "safety_management: 85, life_services：80"}
    response = browser.post(url, fields | {"save": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    band = stored(db, "quality", 2).grade_bands[0]
    assert band == {"grade": "level_1", "min_score": 90,
                    "label": {"zh_CN": "一级", "en": "Level one"},
                    "section_floors": {"safety_management": 85, "life_services": 80}}
    page = browser.get(f"/evaluations/templates/{stored(db, 'quality', 2).id}/editor")
    assert 'value="safety_management: 85, life_services: 80"' in page.get_data(as_text=True)


@pytest.mark.parametrize("floors", ["nowhere: 80", "safety_management 85", "life_services: 120"])
def test_bad_floors_in_the_editor_are_422_on_the_band_row(as_user, make_template, db, floors):
    template = make_template("quality")
    browser, _ = as_user("admin")
    url = f"/evaluations/templates/{template.id}/editor"
    fields = form_fields(browser.get(url).get_data(as_text=True))
    response = browser.post(url, fields | {"grade_bands-0-section_floors": floors, "save": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    row = page[page.index('name="grade_bands-0-grade"'):page.index('name="grade_bands-1-grade"')]
    assert "is-invalid" in row and "text-danger" in row
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentTemplate)) == 1
