"""What a corrective action raised by hand is about, when the homes and active contracts are
too many to list (a city officer's ~300 and ~1,000): a typeahead of both, which sends
``facility:<id>`` or ``contract:<id>``, or without script the home's whole name or the
contract's number, naming exactly one the user may raise an action about."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import lookups
from evaluations.actions.models import CorrectiveAction

TODAY = date(2026, 6, 15)
NEW = "/evaluations/actions/new"
TARGETS = "/evaluations/actions/new/targets"


@pytest.fixture
def world(inspection_world, fixed_today, make_facility, make_contract, monkeypatch):
    """The inspection world (its home and operation contract in A), a draft contract of A, a
    home of B; above two rows the field is a typeahead."""
    fixed_today(TODAY)
    monkeypatch.setattr(lookups, "LIST_MAX", 2)
    w = inspection_world
    w.draft = make_contract(title="甲区草拟合同")
    w.home_b = make_facility("b1", name="乙一敬老院")
    w.home_a = make_facility("a1", name="甲一敬老院")
    return w


def _raise(browser, **fields):
    values = {"target": "", "description": "厨房灭火毯缺失", "severity": "yellow",
              "deadline": (TODAY + timedelta(days=30)).isoformat()}
    return browser.post(NEW, values | fields)


def _raised(db) -> list[CorrectiveAction]:
    return list(db.session.scalars(sa.select(CorrectiveAction)))


def test_the_form_is_a_typeahead_and_a_link_names_its_home(as_user, world):
    browser, _ = as_user("officer", region="a")
    page = browser.get(NEW).get_data(as_text=True)
    assert 'data-typeahead="/evaluations/actions/new/targets"' in page
    assert "甲一福利院" not in page and "typeahead.js" in page
    linked = browser.get(f"{NEW}?facility_id={world.facility.id}").get_data(as_text=True)
    assert f'name="target" value="facility:{world.facility.id}"' in linked
    assert 'value="Home: 甲一福利院"' in linked or 'value="机构：甲一福利院"' in linked
    elsewhere = browser.get(f"{NEW}?facility_id={world.home_b.id}").get_data(as_text=True)
    assert "乙一敬老院" not in elsewhere and 'name="target" value=""' in elsewhere


@pytest.mark.parametrize("how", ["id", "name"])
def test_a_home_picked_or_named_gets_the_action(db, as_user, world, how):
    browser, _ = as_user("officer", region="a")
    fields = ({"target": f"facility:{world.facility.id}"} if how == "id"
              else {"target_text": "甲一福利院"})
    response = _raise(browser, **fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [a.facility_id for a in _raised(db)] == [world.facility.id]


def test_an_active_contract_is_named_by_its_number(db, as_user, world):
    browser, _ = as_user("officer", region="a")
    response = _raise(browser, target_text=world.contract.number)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [a.contract_id for a in _raised(db)] == [world.contract.id]


@pytest.mark.parametrize("fields, message", [
    ({"target_text": "甲区草拟合同"}, "Nothing matches"),  # a draft: nothing to put right
    ({"target_text": "乙一敬老院"}, "Nothing matches"),  # county B's
    ({"target": "facility:{b}"}, "Not among the ones you may choose"),
    ({"target": "contract:{draft}"}, "Not among the ones you may choose"),
    ({"target": "home:1"}, "Not among the ones you may choose"),
    ({"target": f"facility:{2**63}"}, "Not among the ones you may choose"),
    ({"target": "facility:"}, "Not among the ones you may choose"),
    ({}, "This field is required."),
])
def test_what_the_user_may_not_raise_an_action_about_raises_none(db, as_user, world, fields,
                                                                  message):
    browser, _ = as_user("officer", region="a", locale="en")
    fields = {k: val.format(b=world.home_b.id, draft=world.draft.id) for k, val in fields.items()}
    response = _raise(browser, **fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body
    assert _raised(db) == []
    if "target" in fields:  # what an id names is never shown
        assert "乙一敬老院" not in body


def test_the_typeahead_offers_homes_and_active_contracts_the_user_sees(as_user, world):
    officer, _ = as_user("officer", region="a", locale="en")
    answer = officer.get(f"{TARGETS}?q=福利").get_json()
    assert answer == {"options": [
        {"id": f"facility:{world.facility.id}", "name": "Home: 甲一福利院"}], "more": False}
    by_number = officer.get(f"{TARGETS}?q={world.contract.number}").get_json()["options"]
    assert [o["id"] for o in by_number] == [f"contract:{world.contract.id}"]
    county_b, _ = as_user("officer", region="b")
    assert [o["id"] for o in county_b.get(f"{TARGETS}?q=院").get_json()["options"]] == [
        f"facility:{world.home_b.id}"]
    provider, _ = as_user("provider")
    assert provider.get(f"{TARGETS}?q=甲").status_code == 403
    assert officer.get(f"{TARGETS}?q={'甲' * 201}").status_code == 400


def test_without_script_a_part_of_a_name_offers_what_it_matches_to_pick(db, as_user, world):
    browser, _ = as_user("officer", region="a", locale="en")
    body = _raise(browser, target_text="敬老院").get_data(as_text=True)
    offered = re.findall(r'type="radio" name="target" id="[^"]+" value="([^"]+)"', body)
    # county B's 乙一敬老院 matches too, and is not offered
    assert offered == [f"facility:{world.home_a.id}"] and "乙一敬老院" not in body
    drafts = _raise(browser, target_text="合同").get_data(as_text=True)
    assert f"contract:{world.draft.id}" not in drafts  # a draft has nothing to put right
    body = _raise(browser, target_text="甲一福利").get_data(as_text=True)
    home = f"facility:{world.facility.id}"
    assert f'value="{home}"' in body
    response = _raise(browser, target=home, target_text="甲一福利")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [a.facility_id for a in _raised(db)] == [world.facility.id]
