"""``/api/v1/procurements`` and ``/bids/{id}/award``: from a tender to a draft contract."""

from datetime import UTC, datetime

import pytest

from app import clock
from contracts import services
from contracts.models import ContractStatus, Procurement, ProcurementStatus
from tests.clients import error_of


@pytest.fixture(autouse=True)
def award_day():
    clock.set_clock(lambda: datetime(2026, 2, 1, 4, tzinfo=UTC))


def test_officer_opens_a_procurement(api_as, regions, db):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/procurements", json={
        "title": "甲区入户调查服务", "service_type": "household_survey", "region_code": "100100",
        "budget": "100000", "method": "open_tender", "published_on": "2026-01-05",
        "bid_deadline": "2026-01-25"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body == {
        "id": body["id"], "title": "甲区入户调查服务", "service_type": "household_survey",
        "region_code": "100100", "facility_id": None, "budget": "100000.00",
        "method": "open_tender", "justification": "", "published_on": "2026-01-05",
        "bid_deadline": "2026-01-25", "awarded_on": None, "status": "open",
        "cancel_reason": "", "bids": []}
    assert db.session.get(Procurement, body["id"]).status is ProcurementStatus.OPEN


@pytest.mark.parametrize("overrides, field", [
    ({"method": "single_source"}, "justification"),
    ({"service_type": "facility_operation"}, "facility_id"),
    ({"region_code": "100200"}, "region_code"),
    ({"budget": "0"}, "budget"),
    ({"bid_deadline": "2025-12-01", "published_on": "2026-01-01"}, "bid_deadline"),
    ({"method": "lottery"}, "method"),
    ({"winner": 3}, "winner"),
])
def test_bad_procurement_is_422_naming_the_field(api_as, regions, overrides, field):
    api, _ = api_as("officer", region="a")
    base = {"title": "x", "service_type": "household_survey", "region_code": "100100",
            "budget": "100000", "method": "open_tender"}
    response = api.post("/api/v1/procurements", json=base | overrides)
    assert response.status_code == 422, response.get_json()
    assert field in error_of(response)["fields"]


def test_bid_then_award_drafts_a_contract(api_as, make_procurement, qualified_provider, db):
    procurement = make_procurement()
    provider = qualified_provider()
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/procurements/{procurement.id}/bids", json={
        "provider_id": provider.id, "price": "95000.50", "technical_score": 88.5})
    assert response.status_code == 201, response.get_json()
    bid = response.get_json()
    assert bid == {"id": bid["id"], "procurement_id": procurement.id,
                   "provider": {"id": provider.id, "name": provider.name},
                   "price": "95000.50", "technical_score": "88.50", "notes": "",
                   "awarded": False}
    again = api.post(f"/api/v1/procurements/{procurement.id}/bids",
                     json={"provider_id": provider.id, "price": "90000"})
    assert again.status_code == 409 and "provider_id" in error_of(again)["fields"]

    response = api.post(f"/api/v1/bids/{bid['id']}/award", json={})
    assert response.status_code == 201, response.get_json()
    contract = response.get_json()
    assert contract["status"] == "draft" and contract["amount"] == "95000.50"
    assert contract["procurement_id"] == procurement.id
    assert contract["provider"] == {"id": provider.id, "name": provider.name}
    assert (contract["start_date"], contract["end_date"]) == ("2026-02-01", "2027-01-31")
    body = api.get(f"/api/v1/procurements/{procurement.id}").get_json()
    assert body["status"] == "awarded" and body["awarded_on"] == "2026-02-01"
    assert body["bids"][0]["awarded"] is True
    twice = api.post(f"/api/v1/bids/{bid['id']}/award", json={})
    assert twice.status_code == 409 and error_of(twice)["code"] == "conflict"


def test_award_refusals_are_422_naming_the_reasons(api_as, make_procurement, make_provider,
                                                   db):
    procurement = make_procurement()
    unqualified = make_provider()
    bid = services.submit_bid(procurement, provider=unqualified, price="120000")
    db.session.commit()
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/bids/{bid.id}/award", json={"start_date": "2026-03-01"})
    assert response.status_code == 422
    assert {"provider_id", "price"} <= set(error_of(response)["fields"])
    db.session.expire_all()
    assert db.session.get(Procurement, procurement.id).status is ProcurementStatus.OPEN


def test_award_with_given_dates(api_as, make_procurement, qualified_provider, db):
    procurement = make_procurement()
    bid = services.submit_bid(procurement, provider=qualified_provider(), price="80000")
    db.session.commit()
    api, _ = api_as("admin")
    response = api.post(f"/api/v1/bids/{bid.id}/award",
                        json={"start_date": "2026-03-01", "end_date": "2026-12-31"})
    assert response.status_code == 201
    assert response.get_json()["end_date"] == "2026-12-31"
    assert response.get_json()["status"] == ContractStatus.DRAFT.value


def test_cancel_needs_a_reason_and_closes_the_procurement(api_as, make_procurement):
    procurement = make_procurement()
    api, _ = api_as("officer", region="a")
    url = f"/api/v1/procurements/{procurement.id}/cancel"
    assert "reason" in error_of(api.post(url, json={"reason": " "}))["fields"]
    response = api.post(url, json={"reason": "预算调整"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert api.post(url, json={"reason": "again"}).status_code == 409


def test_visibility_of_procurements(api_as, make_procurement, qualified_provider, db):
    theirs = make_procurement(region="b")
    bid = services.submit_bid(theirs, provider=qualified_provider(), price="50000")
    db.session.commit()
    api, _ = api_as("officer", region="a")
    assert api.get(f"/api/v1/procurements/{theirs.id}").status_code == 404
    assert api.post(f"/api/v1/procurements/{theirs.id}/bids", json={
        "provider_id": bid.provider_id, "price": "1"}).status_code == 404
    assert api.post(f"/api/v1/bids/{bid.id}/award", json={}).status_code == 404
    assert api.post("/api/v1/bids/999999/award", json={}).status_code == 404
    assert api.get("/api/v1/procurements").get_json()["total"] == 0
    city, _ = api_as("officer", region="city")
    assert city.get("/api/v1/procurements?region_code=100200&status=open"
                    ).get_json()["total"] == 1
    assert city.get("/api/v1/procurements?service_type=other").get_json()["total"] == 0


def test_providers_see_no_procurement_and_cannot_bid(api_as, make_procurement):
    procurement = make_procurement()
    api, user = api_as("provider")
    assert api.get("/api/v1/procurements").get_json()["items"] == []
    assert api.get(f"/api/v1/procurements/{procurement.id}").status_code == 404
    response = api.post(f"/api/v1/procurements/{procurement.id}/bids",
                        json={"provider_id": user.provider_id, "price": "1000"})
    assert response.status_code == 403


def test_the_draft_of_an_award_keeps_what_the_award_settled(api_as, make_procurement,
                                                            qualified_provider, db):
    procurement = make_procurement()
    winner, loser = qualified_provider(), qualified_provider()
    services.submit_bid(procurement, provider=loser, price="99000")
    bid = services.submit_bid(procurement, provider=winner, price="90000")
    db.session.commit()
    api, _ = api_as("officer", region="a")
    contract = api.post(f"/api/v1/bids/{bid.id}/award", json={}).get_json()
    url = f"/api/v1/contracts/{contract['id']}"
    response = api.patch(url, json={"provider_id": loser.id, "amount": "5000000"})
    assert response.status_code == 422, response.get_json()
    assert set(error_of(response)["fields"]) == {"provider_id", "amount"}
    for body, field in (({"region_code": "100200"}, "region_code"),
                        ({"service_type": "other"}, "service_type"),
                        ({"procurement_id": None}, "procurement_id")):
        response = api.patch(url, json=body)
        assert response.status_code == 422 and field in error_of(response)["fields"], body
    # what the award left open, and a price at or below the awarded one, the officer sets
    response = api.patch(url, json={"amount": "88000", "targets": {"households": 100}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["provider_id"] == winner.id
