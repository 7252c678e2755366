"""``/api/v1/facilities``: wards as names (API.md) or beds per ward (extension)."""

from datetime import UTC, date, datetime

import pytest

from app import clock
from contracts import services
from contracts.models import Facility
from tests.clients import error_of


def set_today(day: date) -> None:
    clock.set_clock(lambda: datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def test_officer_creates_a_facility_with_ward_names(api_as, regions, db):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/facilities", json={
        "name": "甲一福利院", "kind": "elderly_home", "region_code": "100100001", "beds": 120,
        "wards": ["self_care", "disabled"], "address": "甲一路1号"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body == {
        "id": body["id"], "revision": 1, "name": "甲一福利院", "kind": "elderly_home",
        "region_code": "100100001", "beds": 120, "wards": ["self_care", "disabled"],
        "ward_beds": {"self_care": 0, "disabled": 0}, "address": "甲一路1号",
        "opened_on": None, "latitude": None, "longitude": None, "current_operator": None}
    assert db.session.get(Facility, body["id"]).region.code == "100100001"


def test_ward_beds_extension_sets_the_total(api_as, regions):
    api, _ = api_as("admin")
    body = api.post("/api/v1/facilities", json={
        "name": "乙县敬老院", "kind": "rural_home", "region_code": "100200101",
        "ward_beds": {"self_care": 40, "semi_disabled": 20}, "opened_on": "2015-06-01"}
    ).get_json()
    assert body["beds"] == 60 and body["wards"] == ["self_care", "semi_disabled"]
    assert body["ward_beds"] == {"self_care": 40, "semi_disabled": 20}
    assert body["opened_on"] == "2015-06-01"


@pytest.mark.parametrize("payload, field", [
    ({"wards": ["kitchen"]}, "wards"),
    ({"ward_beds": {"self_care": 50}, "beds": 10}, "beds"),
    ({"ward_beds": {"self_care": -1}}, "wards"),
    ({"wards": ["self_care"], "ward_beds": {"disabled": 5}}, "wards"),
    ({"region_code": "999999"}, "region_code"),
    ({"kind": "hotel"}, "kind"),
    ({"beds": "many"}, "beds"),
    ({"floors": 3}, "floors"),
])
def test_bad_facility_input_is_422_naming_the_field(api_as, regions, payload, field):
    api, _ = api_as("admin")
    base = {"name": "x", "kind": "elderly_home", "region_code": "100100"}
    response = api.post("/api/v1/facilities", json=base | payload)
    assert response.status_code == 422, response.get_json()
    assert field in error_of(response)["fields"]


def test_county_officer_cannot_place_a_facility_in_another_county(api_as, regions,
                                                                  make_facility):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/facilities", json={
        "name": "x", "kind": "elderly_home", "region_code": "100200"})
    assert response.status_code == 422 and "region_code" in error_of(response)["fields"]
    own = make_facility("a1")
    moved = api.patch(f"/api/v1/facilities/{own.id}", json={"region_code": "100200101"})
    assert moved.status_code == 422 and "region_code" in error_of(moved)["fields"]


def test_patch_with_ward_names_keeps_known_beds(api_as, make_facility, db):
    facility = make_facility()  # self_care 40, semi_disabled 30, disabled 30
    api, _ = api_as("officer", region="a")
    response = api.patch(f"/api/v1/facilities/{facility.id}",
                         json={"wards": ["self_care", "disabled"], "name": "甲一颐养院"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ward_beds"] == {"self_care": 40, "disabled": 30} and body["beds"] == 100
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).name == "甲一颐养院"


def test_a_patch_of_a_stale_revision_is_409_and_changes_nothing(api_as, make_facility, db):
    """Two officers' clients read the home at revision 1; the second patch put back what the
    first had just changed."""
    facility = make_facility()
    api, _ = api_as("officer", region="a")
    assert api.get(f"/api/v1/facilities/{facility.id}").get_json()["revision"] == 1
    first = api.patch(f"/api/v1/facilities/{facility.id}",
                      json={"address": "江城区幸福路1号", "revision": 1})
    assert first.status_code == 200 and first.get_json()["revision"] == 2
    stale = api.patch(f"/api/v1/facilities/{facility.id}",
                      json={"address": "江城区幸福路9号", "name": "甲一颐养院", "revision": 1})
    assert stale.status_code == 409, stale.get_json()
    db.session.expire_all()
    stored = db.session.get(Facility, facility.id)
    assert (stored.address, stored.revision) == ("江城区幸福路1号", 2)
    assert stored.name != "甲一颐养院"


def test_a_stale_revision_refuses_a_change_of_the_wards_alone(api_as, make_facility, db):
    """A patch of the wards alone wrote no row of the facility itself, so nothing compared
    its revision: the stale client's wards replaced the others', and it was told revision 1."""
    api, _ = api_as("officer", region="a")
    home = make_facility("a1")
    read = api.get(f"/api/v1/facilities/{home.id}").get_json()["revision"]
    assert api.patch(f"/api/v1/facilities/{home.id}",
                     json={"name": "甲一颐养院", "revision": read}).status_code == 200
    stale = api.patch(f"/api/v1/facilities/{home.id}",
                      json={"ward_beds": {"self_care": 5}, "revision": read})
    assert stale.status_code == 409, stale.get_json()
    db.session.expire_all()
    assert db.session.get(Facility, home.id).ward_beds == {
        "self_care": 40, "semi_disabled": 30, "disabled": 30}


def test_a_change_of_the_wards_alone_is_a_new_revision(api_as, make_facility, db):
    """Else a second client holding the old revision overwrote the wards just changed."""
    api, _ = api_as("officer", region="a")
    home = make_facility("a1")
    url = f"/api/v1/facilities/{home.id}"
    read = api.get(url).get_json()["revision"]
    first = api.patch(url, json={"ward_beds": {"self_care": 5}, "revision": read})
    assert first.status_code == 200 and first.get_json()["revision"] == read + 1
    assert api.patch(url, json={"wards": ["disabled"], "revision": read}).status_code == 409
    both = api.patch(url, json={"name": "甲一颐养院", "wards": ["disabled"], "revision": read + 1})
    assert both.status_code == 200 and both.get_json()["revision"] == read + 2  # not + 3
    unchanged = api.patch(url, json={"wards": ["disabled"], "revision": read + 2})
    assert unchanged.status_code == 200 and unchanged.get_json()["revision"] == read + 2
    db.session.expire_all()
    stored = db.session.get(Facility, home.id)
    assert (stored.ward_beds, stored.revision) == ({"disabled": 0}, read + 2)


def test_current_operator_is_the_active_operation_contract(api_as, make_facility,
                                                           make_contract):
    set_today(date(2026, 3, 1))
    facility = make_facility()
    contract = make_contract(status="active", service_type="facility_operation",
                             facility=facility, targets={"beds": 100})
    api, _ = api_as("officer", region="a")
    body = api.get(f"/api/v1/facilities/{facility.id}").get_json()
    assert body["current_operator"] == {"id": contract.provider.id,
                                        "name": contract.provider.name}


def test_county_officer_sees_only_their_county(api_as, make_facility):
    mine, theirs = make_facility("a1"), make_facility("b1", name="乙一敬老院")
    api, _ = api_as("officer", region="a")
    assert api.get(f"/api/v1/facilities/{theirs.id}").status_code == 404
    assert api.patch(f"/api/v1/facilities/{theirs.id}", json={"name": "x"}).status_code == 404
    listed = api.get("/api/v1/facilities").get_json()
    assert [f["id"] for f in listed["items"]] == [mine.id] and listed["total"] == 1
    city, _ = api_as("officer", region="city")
    assert city.get("/api/v1/facilities?region_code=100200").get_json()["total"] == 1
    assert city.get("/api/v1/facilities?q=敬老").get_json()["items"][0]["id"] == theirs.id
    assert city.get("/api/v1/facilities?kind=rural_home").get_json()["total"] == 0
    assert city.get("/api/v1/facilities?region_code=42").status_code == 422


def test_provider_sees_only_facilities_of_its_contracts(api_as, make_facility, make_contract,
                                                        qualified_provider):
    provider = qualified_provider()
    own = make_facility(name="自己的")
    other = make_facility(name="别人的")
    make_contract(provider=provider, service_type="facility_operation", facility=own,
                  targets={})
    make_contract(service_type="facility_operation", facility=other, targets={})
    api, _ = api_as("provider", provider=provider)
    assert api.get(f"/api/v1/facilities/{own.id}").status_code == 200
    response = api.get(f"/api/v1/facilities/{other.id}")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert [f["id"] for f in api.get("/api/v1/facilities").get_json()["items"]] == [own.id]
    assert api.patch(f"/api/v1/facilities/{own.id}", json={"name": "x"}).status_code == 403
    assert api.post("/api/v1/facilities", json={
        "name": "x", "kind": "elderly_home", "region_code": "100100"}).status_code == 403


def test_provider_is_not_shown_another_operator(api_as, make_facility, make_contract,
                                                qualified_provider):
    set_today(date(2026, 3, 1))
    facility = make_facility()
    earlier = qualified_provider()
    make_contract(provider=earlier, service_type="facility_operation", facility=facility,
                  start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), targets={})
    make_contract(status="active", service_type="facility_operation", facility=facility,
                  targets={})
    api, _ = api_as("provider", provider=earlier)
    assert api.get(f"/api/v1/facilities/{facility.id}").get_json()["current_operator"] is None
    assert services.current_operator(facility, date(2026, 3, 1)) is not None


def test_inspector_gets_a_home_only_once_an_inspection_of_it_is_scheduled(
        api_as, make_facility, assign_inspection):
    home = make_facility("a1")
    api, inspector = api_as("inspector", region="a")
    assert api.get(f"/api/v1/facilities/{home.id}").status_code == 404
    assert api.get("/api/v1/facilities").get_json()["total"] == 0
    assign_inspection(inspector, facility=home)
    assert api.get(f"/api/v1/facilities/{home.id}").status_code == 200
    assert [f["id"] for f in api.get("/api/v1/facilities").get_json()["items"]] == [home.id]


def test_county_officer_cannot_rewrite_the_centre_of_another_county(db, api_as, make_facility,
                                                                     make_contract):
    centre = make_facility("a1", name="示范市儿童福利中心", kind="child_welfare")
    make_contract("b", status="active", service_type="entrusted_care", facility=centre,
                  targets={"children": 3})
    api, _ = api_as("officer", region="b")
    assert api.get(f"/api/v1/facilities/{centre.id}").status_code == 200  # seen: entrusted
    response = api.patch(f"/api/v1/facilities/{centre.id}",
                         json={"name": "改名", "beds": 1, "wards": []})
    assert response.status_code == 403, response.get_json()
    db.session.expire_all()
    assert db.session.get(Facility, centre.id).name == "示范市儿童福利中心"
