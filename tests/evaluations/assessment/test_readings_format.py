"""A reading item in the exchange format: it names existing parameters and a plausible range,
other kinds name none; the built-in seed stores the warm-winter file with the reading item as
the next version, and inspections of the old version keep their points item."""

from __future__ import annotations

import copy

import pytest

from app.errors import ValidationError
from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.format import parse_template
from evaluations.assessment.services import (
    current_template,
    export_template,
    import_template,
    seed_builtin_templates,
)
from tests.factories import item_of


def _room(doc):
    return next(item for section in doc["sections"] for item in section["items"]
                if item["key"] == "room_temperature")


def test_the_shipped_room_temperature_is_scored_by_its_parameters():
    room = _room(parse_template(load_builtin("warm_winter")))
    assert room["kind"] == "reading"
    assert room["reading"] == {"full_at": "min_room_temperature",
                               "half_at": "half_credit_temperature", "min": -10, "max": 40,
                               "unit": "℃"}


@pytest.mark.parametrize(("change", "path"), [
    (lambda r: r["reading"].update(full_at="heating_standard"), "reading.full_at"),
    (lambda r: r["reading"].update(half_at="nope"), "reading.half_at"),
    (lambda r: r["reading"].update(min=50), "reading.max"),
    (lambda r: r["reading"].update(max=17), "reading.full_at"),  # 18 outside the range
    (lambda r: r["reading"].update(min=1.25), "reading.min"),
    # an answer keeps its reading in NUMERIC(6, 1): 150,000 lx was refused on PostgreSQL
    (lambda r: r["reading"].update(max=200000), "reading.max"),
    (lambda r: r["reading"].update(min=-100000), "reading.min"),
    (lambda r: r["reading"].update(full_at="half_credit_temperature",
                                   half_at="min_room_temperature"), "reading.half_at"),
    (lambda r: r["reading"].update(colour="red"), "reading.colour"),
    (lambda r: r.pop("reading"), "reading"),
    (lambda r: r.update(kind="points"), "reading"),
])
def test_a_reading_item_must_name_existing_parameters_and_a_range(change, path):
    doc = load_builtin("warm_winter")
    change(_room(doc))
    with pytest.raises(ValidationError) as error:
        parse_template(doc)
    assert f"sections[0].items[1].{path}" in error.value.fields, error.value.fields


def test_unit_defaults_to_the_parameter_and_half_credit_is_optional():
    doc = load_builtin("warm_winter")
    _room(doc)["reading"] = {"full_at": "min_room_temperature", "min": 0, "max": 35}
    assert _room(parse_template(doc))["reading"] == {
        "full_at": "min_room_temperature", "min": 0, "max": 35, "unit": "℃"}


def test_export_reads_back_unchanged(db, make_template):
    template = make_template("warm_winter")
    exported = export_template(template)
    assert exported == parse_template(load_builtin("warm_winter"))
    assert item_of(template, "room_temperature").reading["full_at"] == "min_room_temperature"


def test_the_seed_stores_the_reading_version_next_and_the_old_keeps_points(db):
    before = copy.deepcopy(load_builtin("warm_winter"))
    room = _room(before)
    room["kind"] = "points"
    room.pop("reading")
    old = import_template(before, None, publish=True)
    db.session.commit()
    [new] = [t for t in seed_builtin_templates() if t.code == "warm_winter"]
    db.session.commit()
    assert (new.version, current_template("warm_winter").id) == (old.version + 1, new.id)
    assert item_of(old, "room_temperature").kind == "points"
    assert item_of(new, "room_temperature").kind == "reading"
    assert seed_builtin_templates() == []  # nothing changed since


def test_the_editor_keeps_the_reading_and_refuses_a_bad_one(as_user, make_template, db):
    from tests.evaluations.assessment.test_editor import form_fields, stored

    template = make_template("warm_winter")
    room = item_of(template, "room_temperature")
    browser, _ = as_user("admin")
    url = f"/evaluations/templates/{template.id}/editor"
    fields = form_fields(browser.get(url).get_data(as_text=True))
    [name] = [n for n, v in fields.items() if n.endswith("-reading") and v]
    bad = fields | {name: '{"full_at": "nope", "min": -10, "max": 40}', "save": "y"}
    response = browser.post(url, bad)
    assert response.status_code == 422
    assert "must name a parameter of the template" in response.get_data(as_text=True)
    response = browser.post(url, fields | {"parameters-min_room_temperature": "20",
                                           "save": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    v2 = stored(db, "warm_winter", 2)
    assert item_of(v2, "room_temperature").reading == room.reading
    assert item_of(v2, "room_temperature").kind == "reading"


def test_the_preview_offers_a_reading_input(as_user, make_template):
    template = make_template("warm_winter")
    browser, _ = as_user("inspector", region="a")
    html = browser.get(f"/evaluations/templates/{template.id}/preview").get_data(as_text=True)
    assert 'min="-10" max="40" step="0.1" disabled aria-label="Measured reading"' in html


def test_the_templates_api_names_what_scores_a_reading(api_as, make_template):
    template = make_template("warm_winter")
    api, _ = api_as("inspector", region="a")
    body = api.get(f"/api/v1/templates/{template.id}").get_json()
    items = {item["key"]: item for section in body["sections"] for item in section["items"]}
    assert items["room_temperature"]["kind"] == "reading"
    assert items["room_temperature"]["reading"]["full_at"] == "min_room_temperature"
    assert body["parameters"]["min_room_temperature"]["value"] == 18
    assert items["bedding"]["reading"] is None


@pytest.mark.parametrize("max_points", [2.5, 0.5])
def test_a_reading_item_with_a_half_credit_is_worth_whole_points(max_points):
    """Its half credit (1.25 of 2.5) would be no step of 0.5: stored rounded, unlike the score."""
    doc = load_builtin("warm_winter")
    _room(doc)["max_points"] = max_points
    with pytest.raises(ValidationError) as error:
        parse_template(doc)
    assert error.value.fields["sections[0].items[1].max_points"] == [
        "Item “room_temperature”: a reading item with a half credit must have a whole number "
        "of max points, so that its half credit is a multiple of 0.5."]
    del _room(doc)["reading"]["half_at"]  # no half credit: any step of 0.5 will do
    assert _room(parse_template(doc))["max_points"] == max_points
