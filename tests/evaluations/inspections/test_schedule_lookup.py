"""The scheduling form's homes and contracts when there are too many to list (a city officer's
~300 homes and ~3,000 contracts): a typeahead asking the server, which sends the id picked or,
without script, the text typed, which must name exactly one row the officer may see."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app import lookups
from evaluations.inspections.models import Inspection

NEW = "/evaluations/inspections/new"


@pytest.fixture
def many(monkeypatch):
    """Above two rows a field is a typeahead (a city's hundreds, in three)."""
    monkeypatch.setattr(lookups, "LIST_MAX", 2)


@pytest.fixture
def homes(inspection_world, make_facility):
    """The world's home in A1, two more there (one named like it: 甲一福利院 twice), and a home
    of county B that an officer of A may not pick."""
    return {"own": inspection_world.facility,
            "twin": make_facility("a1"),
            "other": make_facility("a1", name="甲一敬老院<b>"),
            "b": make_facility("b1", name="乙一敬老院")}


def _schedule(browser, world, **fields):
    values = {"template_id": world.template.id, "facility_id": "", "contract_id": "",
              "inspector_id": world.inspector.id, "scheduled_for": "2026-11-10"}
    return browser.post(NEW, values | fields)


def _scheduled(db) -> list[Inspection]:
    return list(db.session.scalars(sa.select(Inspection)))


def test_many_homes_are_a_typeahead_not_options(as_user, inspection_world, homes, many):
    browser, _ = as_user("officer", region="a")
    page = browser.get(NEW).get_data(as_text=True)
    assert "甲一福利院</option>" not in page and "甲一敬老院" not in page
    assert 'data-typeahead="/evaluations/inspections/new/facilities"' in page
    assert 'name="facility_id_text"' in page and "typeahead.js" in page


def test_few_homes_stay_a_drop_down_narrowed_by_typing(as_user, inspection_world, homes):
    browser, _ = as_user("officer", region="a")
    page = browser.get(NEW).get_data(as_text=True)
    tag = re.search(r'<select[^>]*id="facility_id"[^>]*>', page).group(0)
    assert "data-searchable=" in tag
    assert f'<option value="{homes["own"].id}">甲一福利院</option>' in page
    assert f'<option value="{homes["b"].id}"' not in page and "typeahead.js" not in page


def test_the_id_picked_schedules_that_home(db, as_user, inspection_world, homes, many):
    browser, _ = as_user("officer", region="a")
    response = _schedule(browser, inspection_world, facility_id=homes["other"].id,
                         facility_id_text="甲一敬老院<b>")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [i.facility_id for i in _scheduled(db)] == [homes["other"].id]


def test_without_script_a_whole_name_schedules_its_home(db, as_user, inspection_world, homes,
                                                        many):
    browser, _ = as_user("officer", region="a")
    response = _schedule(browser, inspection_world, facility_id_text=" 甲一敬老院<b> ")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [i.facility_id for i in _scheduled(db)] == [homes["other"].id]


@pytest.mark.parametrize("text, message", [
    ("甲一", "Nothing matches “甲一”"),
    ("<script>x</script>", "Nothing matches “&lt;script&gt;x&lt;/script&gt;”"),
    ("甲一福利院", "Several match “甲一福利院”"),
    ("乙一敬老院", "Nothing matches “乙一敬老院”"),  # county B's: no such home for A
    ("甲\x00", "control character"),
    ("甲" * 201, "at most 200 characters"),
])
def test_a_text_naming_no_home_or_two_schedules_nothing(db, as_user, inspection_world, homes,
                                                        many, text, message):
    browser, _ = as_user("officer", region="a", locale="en")
    response = _schedule(browser, inspection_world, facility_id_text=text)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body, body[body.find("invalid-feedback"):][:300]
    assert _scheduled(db) == []


def _matches(body: str) -> dict[str, str]:
    """The radio buttons a refused text offers: label by value."""
    return {value: label for value, label in re.findall(
        r'type="radio" name="facility_id" id="[^"]+" value="([^"]+)">'
        r'<label class="form-check-label" for="[^"]+">([^<]*)</label>', body)}


def test_a_name_two_homes_share_offers_both_and_the_one_picked_is_scheduled(
        db, as_user, inspection_world, homes, many):
    browser, _ = as_user("officer", region="a", locale="en")
    body = _schedule(browser, inspection_world, facility_id_text="甲一福利院").get_data(
        as_text=True)
    assert _matches(body) == {str(homes["own"].id): "甲一福利院", str(homes["twin"].id): "甲一福利院"}
    assert "Those that match “甲一福利院”:" in body
    response = _schedule(browser, inspection_world, facility_id=homes["twin"].id,
                         facility_id_text="甲一福利院")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [i.facility_id for i in _scheduled(db)] == [homes["twin"].id]


def test_a_part_of_a_name_offers_the_homes_it_matches_the_officer_may_pick(
        as_user, inspection_world, homes, many):
    browser, _ = as_user("officer", region="a", locale="en")
    body = _schedule(browser, inspection_world, facility_id_text="一敬").get_data(as_text=True)
    # county B's 乙一敬老院 matches too, and is not offered; the markup in a name is text
    assert _matches(body) == {str(homes["other"].id): "甲一敬老院&lt;b&gt;"}
    assert "甲一敬老院<b>" not in body


@pytest.mark.parametrize("text", ["<script>x</script>", "丙"])
def test_a_text_matching_nothing_offers_nothing(as_user, inspection_world, homes, many, text):
    browser, _ = as_user("officer", region="a", locale="en")
    body = _schedule(browser, inspection_world, facility_id_text=text).get_data(as_text=True)
    assert _matches(body) == {} and 'type="radio"' not in body
    assert "<script>x</script>" not in body


def test_more_matches_than_offered_say_so(as_user, inspection_world, make_facility, many):
    for n in range(lookups.SUGGESTIONS + 1):
        make_facility("a1", name=f"甲一第{n}护理院")
    browser, _ = as_user("officer", region="a", locale="en")
    body = _schedule(browser, inspection_world, facility_id_text="护理院").get_data(as_text=True)
    assert len(_matches(body)) == lookups.SUGGESTIONS
    assert "More match: type more of the name." in body


@pytest.mark.parametrize("listed", [False, True], ids=["typeahead", "drop-down"])
@pytest.mark.parametrize("ident", ["b", "missing", str(2**63), "-1", "1e3"])
def test_an_id_the_officer_may_not_pick_schedules_nothing(db, as_user, inspection_world, homes,
                                                          monkeypatch, listed, ident):
    if not listed:
        monkeypatch.setattr(lookups, "LIST_MAX", 2)
    browser, _ = as_user("officer", region="a", locale="en")
    value = {"b": homes["b"].id, "missing": 99999}.get(ident, ident)
    response = _schedule(browser, inspection_world, facility_id=value)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "乙一敬老院" not in body
    assert _scheduled(db) == []


def test_a_contract_is_named_by_its_number(db, as_user, inspection_world, make_template,
                                           make_contract, many):
    survey = make_template("survey_service")
    contracts = [make_contract(status="active") for _ in range(3)]
    browser, _ = as_user("officer", region="a")
    page = browser.get(NEW).get_data(as_text=True)
    assert f"{contracts[0].number} " not in page
    response = _schedule(browser, inspection_world, template_id=survey.id,
                         contract_id_text=contracts[1].number)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [i.contract_id for i in _scheduled(db)] == [contracts[1].id]


def test_the_typeahead_answers_what_the_officer_may_see(as_user, inspection_world, homes):
    a, _ = as_user("officer", region="a")
    answer = a.get("/evaluations/inspections/new/facilities?q=敬老院").get_json()
    assert answer == {"options": [{"id": homes["other"].id, "name": "甲一敬老院<b>"}],
                      "more": False}
    b, _ = as_user("officer", region="b")
    answer = b.get("/evaluations/inspections/new/facilities?q=敬老院").get_json()
    assert answer["options"] == [{"id": homes["b"].id, "name": "乙一敬老院"}]
    city, _ = as_user("officer", region="city")
    names = [o["name"] for o in city.get(
        "/evaluations/inspections/new/facilities?q=院").get_json()["options"]]
    assert sorted(names) == sorted(["甲一福利院", "甲一福利院", "甲一敬老院<b>", "乙一敬老院"])


def test_the_typeahead_says_when_more_match(as_user, inspection_world, make_facility):
    for n in range(lookups.SUGGESTIONS + 1):
        make_facility("a1", name=f"甲一第{n:02d}养老院")
    browser, _ = as_user("officer", region="a")
    answer = browser.get("/evaluations/inspections/new/facilities?q=养老院").get_json()
    assert len(answer["options"]) == lookups.SUGGESTIONS and answer["more"] is True
    assert answer["options"][0]["name"] == "甲一第00养老院"


@pytest.mark.parametrize("kind", ["facilities", "contracts"])
def test_only_officers_ask_the_typeahead_and_a_long_text_is_refused(as_user, inspection_world,
                                                                    kind):
    url = f"/evaluations/inspections/new/{kind}"
    for role in ("provider", "inspector"):
        browser, _ = as_user(role, region="a") if role == "inspector" else as_user(role)
        assert browser.get(f"{url}?q=甲").status_code == 403
    officer, _ = as_user("officer", region="a")
    response = officer.get(f"{url}?q={'甲' * 201}")
    assert response.status_code == 400 and "q" in response.get_json()["error"]["fields"]


def test_the_contract_typeahead_finds_by_number_or_title(as_user, inspection_world,
                                                         make_contract):
    mine = make_contract(status="active", title="甲区<i>入户</i>调查")
    theirs = make_contract(region="b", status="active", title="乙县入户调查")
    browser, _ = as_user("officer", region="a")
    by_title = browser.get("/evaluations/inspections/new/contracts?q=入户").get_json()
    assert [o["id"] for o in by_title["options"]] == [mine.id]
    assert by_title["options"][0]["name"] == f"{mine.number} 甲区<i>入户</i>调查"
    by_number = browser.get(f"/evaluations/inspections/new/contracts?q={theirs.number}")
    assert by_number.get_json()["options"] == []
