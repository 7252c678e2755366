"""Review of procurement: what a county bureau meets when it buys entrusted care from the
city's child welfare centre, which lies outside the county."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from contracts import services
from contracts.models import Bid, Contract, Procurement, ProcurementStatus
from tests.clients import error_of

AWARD_DAY = date(2026, 2, 1)


@pytest.fixture
def city_centre(make_facility, on_day):
    """The city's child welfare centre (in the city region, outside county A)."""
    on_day(AWARD_DAY)
    return make_facility("city", name="市儿童福利院", kind="child_welfare", wards={})


def test_a_county_opens_and_awards_entrusted_care_at_the_citys_centre(api_as, city_centre,
                                                                     qualified_provider, db):
    """The county may name the centre in the contract (and its form offers it): the
    procurement that leads to that contract names it too, instead of "No such record"."""
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/procurements", json={
        "title": "甲区儿童委托照料", "service_type": "entrusted_care", "region_code": "100100",
        "budget": "200000", "method": "open_tender", "facility_id": city_centre.id})
    assert response.status_code == 201, response.get_json()
    procurement = response.get_json()
    assert procurement["facility_id"] == city_centre.id

    bid = api.post(f"/api/v1/procurements/{procurement['id']}/bids", json={
        "provider_id": qualified_provider().id, "price": "180000"})
    assert bid.status_code == 201, bid.get_json()
    url = f"/api/v1/bids/{bid.get_json()['id']}/award"
    # the draft of entrusted care names its children, which the procurement does not say
    missing = api.post(url, json={"start_date": "2026-03-01"})
    assert missing.status_code == 422 and "targets" in error_of(missing)["fields"]
    award = api.post(url, json={"start_date": "2026-03-01", "targets": {"children": 12}})
    assert award.status_code == 201, award.get_json()
    draft = award.get_json()
    assert draft["facility_id"] == city_centre.id and draft["targets"] == {"children": 12}
    db.session.expire_all()
    assert db.session.get(Procurement, procurement["id"]).status is ProcurementStatus.AWARDED


def test_an_elderly_home_of_another_county_is_still_no_such_record(api_as, make_facility,
                                                                   on_day):
    """Only child welfare centres are named across the county's border."""
    on_day(AWARD_DAY)
    hidden = make_facility("b1", name="乙一敬老院")
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/procurements", json={
        "title": "甲区委托照料", "service_type": "entrusted_care", "region_code": "100100",
        "budget": "200000", "method": "open_tender", "facility_id": hidden.id})
    assert response.status_code == 422
    assert error_of(response)["fields"]["facility_id"] == ["No such record."]


@pytest.mark.parametrize("centre", [None, "elderly_home"])
def test_entrusted_care_is_bought_from_a_child_welfare_centre(api_as, make_facility, on_day,
                                                              centre):
    """Opened without its centre (or with a home), bidders' offers were taken on a
    procurement whose award could only ever be refused."""
    on_day(AWARD_DAY)
    body = {"title": "甲区儿童委托照料", "service_type": "entrusted_care",
            "region_code": "100100", "budget": "200000", "method": "open_tender"}
    if centre is not None:
        body["facility_id"] = make_facility("a1", name="甲一敬老院", kind=centre).id
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/procurements", json=body)
    assert response.status_code == 422, response.get_json()
    assert list(error_of(response)["fields"]) == ["facility_id"]


def test_the_award_page_of_entrusted_care_asks_for_the_children(as_user, city_centre,
                                                                 qualified_provider, db):
    """The award button drafted a contract that entrusted care refuses without its children:
    the page could never award such a procurement."""
    procurement = services.create_procurement(
        title="甲区儿童委托照料", service_type="entrusted_care", region="100100",
        budget="200000", method="single_source", justification="市儿童福利院唯一承接",
        facility=city_centre)
    bid = services.submit_bid(procurement, provider=qualified_provider(), price="180000")
    db.session.commit()
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/procurements/{procurement.id}").get_data(as_text=True)
    assert 'name="children"' in page
    url = f"/procurements/{procurement.id}/bids/{bid.id}/award"
    refused = browser.post(url, {"children": ""})
    assert refused.status_code == 422
    assert "Give the number of children entrusted" in refused.get_data(as_text=True)
    response = browser.post(url, {"children": "12"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    contract = db.session.scalars(sa.select(Contract)).one()
    assert contract.facility_id == city_centre.id and contract.targets == {"children": 12}


def test_a_procurement_is_not_bid_on_nor_awarded_before_its_publication(
        db, make_procurement, qualified_provider, on_day):
    """Without a bid deadline, a bid was recorded, and the procurement awarded, on a day it
    had not even been published."""
    on_day(date(2026, 1, 10))
    procurement = make_procurement(published_on=date(2026, 2, 1), bid_deadline=None)
    provider = qualified_provider()
    with pytest.raises(ValidationError) as refused:
        services.submit_bid(procurement, provider=provider, price="90000")
    assert "published_on" in refused.value.fields
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Bid.id))) == 0
    on_day(date(2026, 2, 1))
    bid = services.submit_bid(procurement, provider=provider, price="90000")
    db.session.commit()
    with pytest.raises(ValidationError) as refused:  # an award dated before it
        services.award_bid(bid, None, date(2026, 1, 31))
    assert "published_on" in refused.value.fields
    db.session.rollback()
    assert services.award_bid(bid, None, date(2026, 2, 1)).procurement_id == procurement.id
