"""Template parameters: the warm-winter room temperature is a value of the template, shown in
the item's text and guidance, changed in a new version (old versions keep theirs), refused
when an item names a parameter the template lacks."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.services import export_template, import_template, new_version
from tests.evaluations.assessment.test_editor import form_fields, stored
from tests.factories import item_of


def test_warm_winter_shows_the_heating_standard_from_its_parameters(db, make_template):
    template = make_template("warm_winter")
    assert template.parameters["min_room_temperature"]["value"] == 18
    room = item_of(template, "room_temperature")
    assert "{min_room_temperature}" in room.text_zh  # stored once, filled when shown
    assert "不低于18℃" in room.text("zh_CN") and "18 °C or above" in room.text("en")
    guidance = room.guidance("zh_CN")
    assert "≥18℃得5分" in guidance and "16～18℃之间得2.5分" in guidance
    assert "below 16 °C: 0" in room.guidance("en")


def test_a_local_standard_is_a_new_version_and_the_old_keeps_its_value(db, make_template):
    old = make_template("warm_winter")
    doc = export_template(old)
    doc["parameters"]["min_room_temperature"]["value"] = 20
    doc["parameters"]["half_credit_temperature"]["value"] = 18.5
    new = new_version(old, doc, None)
    db.session.commit()
    assert "不低于20℃" in item_of(new, "room_temperature").text("zh_CN")
    assert "18.5～20℃" in item_of(new, "room_temperature").guidance("zh_CN")
    assert "不低于18℃" in item_of(old, "room_temperature").text("zh_CN")
    assert export_template(new)["parameters"]["half_credit_temperature"] == {
        "value": 18.5, "unit": "℃", "label": doc["parameters"]["half_credit_temperature"]["label"]}


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda d: d["parameters"].pop("half_credit_temperature"),
     "sections[0].items[2].guidance.zh_CN"),
    (lambda d: d["parameters"]["min_room_temperature"].update(value="warm"),
     "parameters.min_room_temperature.value"),
    (lambda d: d["parameters"]["min_room_temperature"].update(value=18.125),
     "parameters.min_room_temperature.value"),
    (lambda d: d["parameters"].update({"Bad-Key": {"value": 1}}), "parameters.Bad-Key"),
    (lambda d: d["parameters"]["min_room_temperature"].update(colour="red"),
     "parameters.min_room_temperature.colour"),
    (lambda d: d.update(parameters=[18]), "parameters"),
])
def test_bad_parameters_are_refused_naming_the_path(db, mutate, path):
    doc = load_builtin("warm_winter")
    position = next(i for i, item in enumerate(doc["sections"][0]["items"])
                    if item["key"] == "room_temperature")
    path = path.replace("items[2]", f"items[{position}]")
    mutate(doc)
    with pytest.raises(ValidationError) as caught:
        import_template(doc, None)
    assert path in caught.value.fields, caught.value.fields


def test_templates_without_parameters_export_as_before(db, make_template):
    assert "parameters" not in export_template(make_template("quality"))


def test_the_editor_changes_a_parameter_and_the_page_shows_it(as_user, make_template, db):
    template = make_template("warm_winter")
    browser, _ = as_user("admin")
    url = f"/evaluations/templates/{template.id}/editor"
    page = browser.get(url).get_data(as_text=True)
    assert 'name="parameters-min_room_temperature" value="18"' in page
    fields = form_fields(page)
    response = browser.post(url, fields | {"parameters-min_room_temperature": "abc",
                                           "save": "y"})
    assert response.status_code == 422 and "is-invalid" in response.get_data(as_text=True)
    response = browser.post(url, fields | {"parameters-min_room_temperature": "19",
                                           "save": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    v2 = stored(db, "warm_winter", 2)
    assert v2.parameters["min_room_temperature"]["value"] == 19
    detail = browser.get(f"/evaluations/templates/{v2.id}").get_data(as_text=True)
    assert "template-parameters" in detail
    assert "不低于19℃" in detail or "19 °C or above" in detail
