"""The contract, procurement and bid forms' provider and home when there are too many to list
(a city's ~500 providers and ~300 homes): a typeahead, sending the id picked or, without
script, a provider's whole name or credit code and a home's whole name."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import lookups
from contracts.models import Bid, Contract, Procurement


@pytest.fixture(autouse=True)
def many(monkeypatch):
    """Above two rows a field is a typeahead (a city's hundreds, in three)."""
    monkeypatch.setattr(lookups, "LIST_MAX", 2)


@pytest.fixture
def providers(qualified_provider):
    return [qualified_provider(name=f"甲区社工服务中心{n}") for n in range(3)]


@pytest.fixture
def homes(make_facility):
    return {"a": make_facility("a1", name="甲一敬老院"),
            "a_twin": make_facility("a1", name="甲一福利院"),
            "other_a": make_facility("a1", name="甲一养老院"),
            "b": make_facility("b1", name="乙一敬老院")}


def _contract_form(**fields) -> dict:
    return {"title": "2026年甲区机构运营", "service_type": "household_survey",
            "provider_id": "", "region_code": "100100", "start_date": "2026-04-01",
            "end_date": "2027-03-31", "amount": "120000.00", "reporting": "monthly",
            "report_due_days": "10", "target_households": "1200", "weight_inspection": "60",
            "weight_timeliness": "20", "weight_targets": "20"} | fields


def _contracts(db) -> list[Contract]:
    return list(db.session.scalars(sa.select(Contract)))


def test_the_contract_form_asks_for_providers_and_homes(as_user, providers, homes):
    browser, _ = as_user("officer", region="a")
    page = browser.get("/contracts/new").get_data(as_text=True)
    assert 'data-typeahead="/contracts/new/providers"' in page
    assert 'data-typeahead="/contracts/new/facilities"' in page
    assert "甲区社工服务中心" not in page and "甲一敬老院" not in page
    assert page.count("typeahead.js") == 1


@pytest.mark.parametrize("how", ["id", "name", "credit code"])
def test_a_provider_picked_or_named_gets_the_contract(db, as_user, providers, how):
    chosen = providers[1]
    fields = {"id": {"provider_id": str(chosen.id)},
              "name": {"provider_id_text": chosen.name},
              "credit code": {"provider_id_text": chosen.credit_code.lower()}}[how]
    browser, _ = as_user("officer", region="a")
    response = browser.post("/contracts/new", _contract_form(**fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [c.provider_id for c in _contracts(db)] == [chosen.id]


@pytest.mark.parametrize("fields, message", [
    ({"provider_id_text": "甲区社工服务中心"}, "Nothing matches"),
    ({"provider_id": "99999"}, "Not among the ones you may choose"),
    ({"provider_id": "1; drop table"}, "Not among the ones you may choose"),
    ({}, "This field is required."),
])
def test_a_provider_named_by_nothing_gets_no_contract(db, as_user, providers, fields, message):
    browser, _ = as_user("officer", region="a", locale="en")
    response = browser.post("/contracts/new", _contract_form(**fields))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _contracts(db) == []


def test_a_home_of_another_county_cannot_be_named(db, as_user, providers, homes):
    browser, _ = as_user("officer", region="a", locale="en")
    form = _contract_form(provider_id=str(providers[0].id), service_type="facility_operation",
                          target_households="")
    for fields in ({"facility_id": str(homes["b"].id)}, {"facility_id_text": "乙一敬老院"}):
        response = browser.post("/contracts/new", form | fields)
        assert response.status_code == 422
    assert _contracts(db) == []
    response = browser.post("/contracts/new", form | {"facility_id_text": "甲一敬老院"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [c.facility_id for c in _contracts(db)] == [homes["a"].id]


def test_editing_a_draft_shows_its_provider_and_keeps_it(db, as_user, providers, homes,
                                                         make_contract):
    contract = make_contract(provider=providers[2])
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    assert f'name="provider_id" value="{providers[2].id}"' in page
    assert f'value="{providers[2].name}"' in page


def test_a_procurement_and_a_bid_name_their_home_and_provider(db, as_user, providers, homes,
                                                              regions):
    browser, _ = as_user("officer", region="a")
    response = browser.post("/procurements/new", {
        "title": "甲一敬老院运营", "service_type": "facility_operation", "method": "open_tender",
        "region_code": "100100", "budget": "500000", "facility_id_text": "甲一敬老院"})
    assert response.status_code == 302, response.get_data(as_text=True)
    procurement = db.session.scalar(sa.select(Procurement))
    assert procurement.facility_id == homes["a"].id
    page = browser.get(f"/procurements/{procurement.id}").get_data(as_text=True)
    assert 'data-typeahead="/contracts/new/providers"' in page and "typeahead.js" in page
    response = browser.post(f"/procurements/{procurement.id}/bids", {
        "provider_id_text": providers[0].name, "price": "480000", "technical_score": "80"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [b.provider_id for b in db.session.scalars(sa.select(Bid))] == [providers[0].id]


def test_the_typeaheads_answer_staff_only_within_scope(as_user, providers, homes):
    officer, _ = as_user("officer", region="a")
    found = officer.get("/contracts/new/providers?q=服务中心").get_json()
    assert [o["id"] for o in found["options"]] == [p.id for p in providers]
    by_code = officer.get(f"/contracts/new/providers?q={providers[1].credit_code[-8:]}")
    assert [o["id"] for o in by_code.get_json()["options"]] == [providers[1].id]
    homes_a = officer.get("/contracts/new/facilities?q=敬老院").get_json()["options"]
    assert homes_a == [{"id": homes["a"].id, "name": "甲一敬老院 (甲一街道)"}]
    assert officer.get(f"/contracts/new/providers?q={'x' * 201}").status_code == 400
    for role in ("provider", "inspector"):
        other, _ = as_user(role)
        assert other.get("/contracts/new/providers?q=中心").status_code == 403
        assert other.get("/contracts/new/facilities?q=院").status_code == 403
