"""Facility pages: list with filters, detail with wards and current operator, create/edit."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from contracts.models import Facility


def test_officer_lists_facilities_of_their_region_only(as_user, make_facility):
    make_facility("a1", name="甲一福利院")
    make_facility("b1", name="乙一敬老院", kind="rural_home")
    browser, _ = as_user("officer", region="a")
    page = browser.get("/facilities").get_data(as_text=True)
    assert "甲一福利院" in page and "乙一敬老院" not in page
    city, _ = as_user("officer", region="city")
    page = city.get("/facilities?kind=rural_home").get_data(as_text=True)
    assert "乙一敬老院" in page and "甲一福利院" not in page
    page = city.get("/facilities?region=100100").get_data(as_text=True)
    assert "甲一福利院" in page and "乙一敬老院" not in page
    assert "format=xlsx" in page


def test_detail_shows_wards_total_and_current_operator(as_user, make_facility, make_contract,
                                                       on_day):
    on_day(date(2026, 3, 1))
    facility = make_facility("a1")
    contract = make_contract(status="active", service_type="facility_operation",
                             facility=facility, targets={"beds": 100})
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/facilities/{facility.id}").get_data(as_text=True)
    assert "Semi-disabled" in page and ">100<" in page
    assert contract.provider.name in page and contract.number in page
    assert "Inspection history" in page or "inspection" in page.lower()


def test_other_county_and_other_provider_get_404(as_user, make_facility, make_contract):
    facility = make_facility("a1")
    make_contract(service_type="facility_operation", facility=facility, targets={})
    browser, _ = as_user("officer", region="b")
    assert browser.get(f"/facilities/{facility.id}").status_code == 404
    assert browser.get(f"/facilities/{facility.id}/edit").status_code == 404
    provider_browser, _ = as_user("provider")
    assert provider_browser.get(f"/facilities/{facility.id}").status_code == 404


def test_provider_sees_the_facility_of_their_contract(as_user, make_facility, make_contract,
                                                      make_provider):
    facility = make_facility("a1")
    contract = make_contract(service_type="facility_operation", facility=facility, targets={})
    browser, _ = as_user("provider", provider=contract.provider)
    assert browser.get(f"/facilities/{facility.id}").status_code == 200
    assert "甲一福利院" in browser.get("/facilities").get_data(as_text=True)


def test_officer_creates_a_facility_with_wards(as_user, regions, db):
    browser, _ = as_user("officer", region="a")
    browser.get("/facilities/new")
    response = browser.post("/facilities/new", {
        "name": "新福利院", "kind": "elderly_home", "region_code": "100100001",
        "beds_self_care": "40", "beds_semi_disabled": "20", "beds_disabled": "10",
        "opened_on": "2020-05-01"})
    assert response.status_code == 302
    facility = db.session.scalars(sa.select(Facility)).one()
    assert facility.beds == 70 and facility.ward_beds["disabled"] == 10
    assert facility.opened_on == date(2020, 5, 1)


def test_bad_facility_input_is_422_and_stores_nothing(as_user, regions, db):
    browser, _ = as_user("officer", region="a")
    browser.get("/facilities/new")
    response = browser.post("/facilities/new", {
        "name": "新福利院", "kind": "elderly_home", "region_code": "100100001",
        "beds_self_care": "40", "beds": "10"})
    assert response.status_code == 422
    assert "more than the total" in response.get_data(as_text=True)
    # a region outside the officer's subtree is not even a choice
    response = browser.post("/facilities/new", {
        "name": "新福利院", "kind": "elderly_home", "region_code": "100200101"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Facility.id))) == 0


def test_officer_edits_wards(as_user, make_facility, db):
    facility = make_facility("a1")
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/facilities/{facility.id}/edit").get_data(as_text=True)
    assert 'value="40"' in page
    response = browser.post(f"/facilities/{facility.id}/edit", {
        "name": "甲一福利院", "kind": "elderly_home", "region_code": "100100001",
        "beds_self_care": "50", "beds_semi_disabled": "30", "beds_disabled": "30", "beds": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).beds == 110


def test_officer_cannot_move_a_facility_out_of_their_region(as_user, make_facility, db):
    facility = make_facility("a1")
    browser, _ = as_user("officer", region="a")
    response = browser.post(f"/facilities/{facility.id}/edit", {
        "name": "甲一福利院", "kind": "elderly_home", "region_code": "100200101",
        "beds_self_care": "40", "beds_semi_disabled": "30", "beds_disabled": "30", "beds": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).region.code == "100100001"


def test_inspector_reads_but_cannot_write_facilities(as_user, make_facility, assign_inspection):
    facility = make_facility("a1")
    browser, inspector = as_user("inspector", region="a")
    assign_inspection(inspector, facility=facility)
    assert browser.get(f"/facilities/{facility.id}").status_code == 200
    assert browser.get("/facilities/new").status_code == 403
    assert browser.get(f"/facilities/{facility.id}/edit").status_code == 403


def test_inspector_sees_a_home_of_their_region_only_once_an_inspection_is_scheduled(
        as_user, make_facility, assign_inspection):
    home = make_facility("a1", name="甲一福利院")
    browser, inspector = as_user("inspector", region="a")
    assert browser.get(f"/facilities/{home.id}").status_code == 404
    assert "甲一福利院" not in browser.get("/facilities").get_data(as_text=True)
    assign_inspection(inspector, facility=home)
    assert browser.get(f"/facilities/{home.id}").status_code == 200
    assert "甲一福利院" in browser.get("/facilities").get_data(as_text=True)


def test_a_former_operator_is_not_shown_the_current_one(as_user, handed_over_home):
    home, earlier, _old, current = handed_over_home
    browser, _ = as_user("provider", provider=earlier)
    page = browser.get(f"/facilities/{home.id}").get_data(as_text=True)
    assert current.provider.name not in page and current.number not in page
    assert "Not operated under an active contract today" in page


def test_county_officer_cannot_edit_the_centre_their_county_entrusts_to(as_user,
                                                                       make_facility,
                                                                       make_contract, db):
    centre = make_facility("a1", name="示范市儿童福利中心", kind="child_welfare")
    make_contract("b", status="active", service_type="entrusted_care", facility=centre,
                  targets={"children": 3})
    browser, _ = as_user("officer", region="b")
    page = browser.get(f"/facilities/{centre.id}")
    assert page.status_code == 200 and "/edit" not in page.get_data(as_text=True)
    assert browser.get(f"/facilities/{centre.id}/edit").status_code == 403
    response = browser.post(f"/facilities/{centre.id}/edit", {
        "name": "改名", "kind": "child_welfare", "region_code": "100100001", "beds": "1"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Facility, centre.id).name == "示范市儿童福利中心"
