"""``/api/v1/contracts``: drafting, editing drafts, transitions, amendments, visibility."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from contracts.models import Contract, ContractStatus, ContractTransition
from tests.clients import error_of


def set_today(day: date) -> None:
    clock.set_clock(lambda: datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


@pytest.fixture
def payload(qualified_provider, regions):
    def make(**overrides):
        provider = overrides.pop("provider", None) or qualified_provider()
        return {"title": "2026年甲区入户调查", "service_type": "household_survey",
                "provider_id": provider.id, "region_code": "100100",
                "start_date": "2026-01-01", "end_date": "2026-12-31", "amount": "120000.00",
                "reporting": "monthly", "targets": {"households": 1200}} | overrides

    return make


def test_officer_drafts_a_contract(api_as, payload, db):
    api, _ = api_as("officer", region="a")
    data = payload()
    response = api.post("/api/v1/contracts", json=data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    contract = db.session.get(Contract, body["id"])
    assert contract.status is ContractStatus.DRAFT and contract.amount == Decimal("120000.00")
    assert body == {
        "id": contract.id, "number": contract.number, "status": "draft", "version": 1,
        "revision": 1,
        "title": "2026年甲区入户调查", "service_type": "household_survey",
        "provider_id": data["provider_id"],
        "provider": {"id": data["provider_id"], "name": contract.provider.name},
        "facility_id": None, "region_code": "100100", "procurement_id": None,
        "start_date": "2026-01-01", "end_date": "2026-12-31", "amount": "120000.00",
        "reporting": "monthly", "report_due_days": 10, "targets": {"households": 1200},
        "weights": {"inspection": 60, "timeliness": 20, "targets": 20},
        "installments": [
            {"seq": 1, "share_percent": "50.00", "due_date": "2026-01-01",
             "performance_linked": False, "amount": "60000.00", "paid_at": None,
             "paid_amount": None},
            {"seq": 2, "share_percent": "50.00", "due_date": "2027-01-30",
             "performance_linked": True, "amount": "60000.00", "paid_at": None,
             "paid_amount": None}]}
    assert "-2026-HS-" in body["number"]


def test_amount_as_a_number_and_a_custom_schedule(api_as, payload):
    api, _ = api_as("admin")
    response = api.post("/api/v1/contracts", json=payload(
        amount=90000, weights={"inspection": 50, "timeliness": 25, "targets": 25},
        reporting="quarterly", installments=[
            {"share_percent": "30", "due_date": "2026-01-15"},
            {"share_percent": "30", "due_date": "2026-07-01"},
            {"share_percent": "40", "due_date": "2027-01-31"}]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["amount"] == "90000.00" and body["reporting"] == "quarterly"
    assert [i["amount"] for i in body["installments"]] == ["27000.00", "27000.00", "36000.00"]
    assert [i["performance_linked"] for i in body["installments"]] == [False, False, True]


@pytest.mark.parametrize("overrides, field", [
    ({"amount": "12.345"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "lots"}, "amount"),
    ({"end_date": "2029-06-30"}, "end_date"),
    ({"end_date": "2025-12-31"}, "end_date"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"service_type": "catering"}, "service_type"),
    ({"service_type": "facility_operation", "targets": {}}, "facility_id"),
    ({"targets": {"children": 5}}, "targets"),
    ({"targets": {"households": 0}}, "targets"),
    ({"targets": [1200]}, "targets"),
    ({"weights": {"inspection": 70, "timeliness": 20, "targets": 20}}, "weights"),
    ({"reporting": "weekly"}, "reporting"),
    ({"provider_id": 999999}, "provider_id"),
    ({"provider_id": "abc"}, "provider_id"),
    ({"region_code": "999999"}, "region_code"),
    ({"installments": [{"share_percent": "60", "due_date": "2026-01-01"}]}, "installments"),
    ({"budget_line": "x"}, "budget_line"),
])
def test_bad_contract_input_is_422_naming_the_field(api_as, payload, db, overrides, field):
    api, _ = api_as("admin")
    response = api.post("/api/v1/contracts", json=payload(**overrides))
    assert response.status_code == 422, response.get_json()
    assert field in error_of(response)["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 0


def test_missing_fields_are_named(api_as, regions):
    api, _ = api_as("officer")
    fields = error_of(api.post("/api/v1/contracts", json={}))["fields"]
    assert {"title", "service_type", "provider_id", "region_code", "start_date", "end_date",
            "amount"} <= set(fields)


def test_suspended_provider_cannot_be_contracted(api_as, payload, make_provider):
    api, _ = api_as("officer")
    response = api.post("/api/v1/contracts", json=payload(
        provider=make_provider(status="suspended")))
    assert response.status_code == 422 and "provider_id" in error_of(response)["fields"]


def test_county_officer_cannot_contract_in_another_county(api_as, payload, db):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/contracts", json=payload(region_code="100200"))
    assert response.status_code == 422
    assert "region_code" in error_of(response)["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 0


def test_county_officer_gets_404_outside_the_county(api_as, make_contract):
    theirs = make_contract(region="b")
    api, _ = api_as("officer", region="a")
    for response in (api.get(f"/api/v1/contracts/{theirs.id}"),
                     api.patch(f"/api/v1/contracts/{theirs.id}", json={"title": "x"}),
                     api.post(f"/api/v1/contracts/{theirs.id}/transitions",
                              json={"to": "active"}),
                     api.get(f"/api/v1/contracts/{theirs.id}/transitions")):
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert api.get("/api/v1/contracts").get_json()["total"] == 0


def test_provider_sees_its_own_contracts_only(api_as, make_contract, qualified_provider):
    provider = qualified_provider()
    own, other = make_contract(provider=provider), make_contract()
    api, _ = api_as("provider", provider=provider)
    assert api.get(f"/api/v1/contracts/{own.id}").get_json()["number"] == own.number
    assert api.get(f"/api/v1/contracts/{other.id}").status_code == 404
    assert [c["id"] for c in api.get("/api/v1/contracts").get_json()["items"]] == [own.id]
    assert api.get(f"/api/v1/contracts/{own.id}/transitions").status_code == 200


@pytest.mark.parametrize("role", ["provider", "inspector"])
def test_providers_and_inspectors_cannot_write_contracts(api_as, make_contract, payload,
                                                         role, assign_inspection):
    contract = make_contract()
    kwargs = {"provider": contract.provider} if role == "provider" else {"region": "a"}
    api, user = api_as(role, **kwargs)
    if role == "inspector":
        assign_inspection(user, contract=contract)
    assert api.get(f"/api/v1/contracts/{contract.id}").status_code == 200
    for response in (
            api.post("/api/v1/contracts", json=payload()),
            api.patch(f"/api/v1/contracts/{contract.id}", json={"title": "x"}),
            api.post(f"/api/v1/contracts/{contract.id}/transitions", json={"to": "active"}),
            api.post(f"/api/v1/contracts/{contract.id}/amendments",
                     json={"reason": "x", "amount": "1.00"})):
        assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


def test_patch_edits_a_draft(api_as, make_contract, db):
    contract = make_contract()
    old_number = contract.number
    api, _ = api_as("officer", region="a")
    response = api.patch(f"/api/v1/contracts/{contract.id}", json={
        "amount": "150000", "title": "改名", "service_type": "other", "targets": {"visits": 30}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["amount"] == "150000.00" and body["title"] == "改名"
    assert body["number"] != old_number and "-OT-" in body["number"]
    assert body["installments"][0]["amount"] == "75000.00"
    bad = api.patch(f"/api/v1/contracts/{contract.id}", json={"end_date": "2025-01-01"})
    assert bad.status_code == 422 and "end_date" in error_of(bad)["fields"]
    outside = api.patch(f"/api/v1/contracts/{contract.id}", json={"region_code": "100200"})
    assert outside.status_code == 422 and "region_code" in error_of(outside)["fields"]


SCHEDULE = [{"share_percent": "30", "due_date": "2026-01-10"},
            {"share_percent": "70", "due_date": "2027-01-30", "performance_linked": True}]


def test_a_stale_revision_refuses_a_change_of_the_installments_alone(api_as, make_contract, db):
    """A schedule alone wrote no row of the contract itself, so nothing compared its revision:
    a client that read it before another officer's edit replaced the schedule unseen."""
    api, _ = api_as("officer", region="a")
    contract = make_contract(region="a")
    url = f"/api/v1/contracts/{contract.id}"
    read = api.get(url).get_json()["revision"]
    assert api.patch(url, json={"title": "新标题", "revision": read}).status_code == 200
    stale = api.patch(url, json={"revision": read, "installments": SCHEDULE})
    assert stale.status_code == 409, stale.get_json()
    db.session.expire_all()
    assert [i.share_percent for i in db.session.get(Contract, contract.id).installments] == [
        Decimal("50.00"), Decimal("50.00")]
    fresh = api.patch(url, json={"revision": read + 1, "installments": SCHEDULE})
    assert fresh.status_code == 200 and fresh.get_json()["revision"] == read + 2
    assert api.patch(url, json={"revision": read + 1, "title": "又改"}).status_code == 409


def test_one_edit_is_one_revision_even_when_it_renumbers(api_as, make_contract):
    """A new year renumbers the contract: its flush wrote the contract, then its number
    (revision + 2), and the client's copy looked stale after its own edit."""
    api, _ = api_as("officer", region="a")
    contract = make_contract(region="a")
    url = f"/api/v1/contracts/{contract.id}"
    read = api.get(url).get_json()["revision"]
    moved = api.patch(url, json={"start_date": "2027-01-01", "end_date": "2027-12-31",
                                 "revision": read, "installments": [
                                     {"share_percent": "30", "due_date": "2027-01-10"},
                                     {"share_percent": "70", "due_date": "2028-01-30",
                                      "performance_linked": True}]})
    assert moved.status_code == 200, moved.get_json()
    assert "2027" in moved.get_json()["number"] and moved.get_json()["revision"] == read + 1
    assert api.get(url).get_json()["revision"] == read + 1


@pytest.mark.parametrize("status", ["active", "suspended"])
def test_patch_on_a_running_contract_is_409_pointing_to_amendments(api_as, make_contract, db,
                                                                    status):
    contract = make_contract(status=status)
    api, _ = api_as("officer", region="a")
    response = api.patch(f"/api/v1/contracts/{contract.id}", json={"amount": "1.00"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict" and "amend" in error["message"]
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).amount == Decimal("120000.00")


def test_legal_transitions_via_the_api(api_as, make_contract, db):
    set_today(date(2026, 2, 1))
    contract = make_contract()
    api, user = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}/transitions"
    response = api.post(url, json={"to": "active"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["from"] == "draft" and body["to"] == "active" and body["reason"] == ""
    assert body["actor"] == {"id": user.id, "name": user.name or user.email}
    assert datetime.fromisoformat(body["at"]) == datetime(2026, 2, 1, 4, tzinfo=UTC)
    assert api.post(url, json={"to": "suspended", "reason": "整改"}).status_code == 201
    assert api.post(url, json={"to": "active"}).status_code == 201
    assert api.post(url, json={"to": "completed"}).status_code == 201
    listed = api.get(url).get_json()
    assert [(t["from"], t["to"]) for t in listed["items"]] == [
        ("draft", "active"), ("active", "suspended"), ("suspended", "active"),
        ("active", "completed")]
    assert listed["total"] == 4
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status is ContractStatus.COMPLETED


def test_illegal_transition_is_409(api_as, make_contract, db):
    contract = make_contract()
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/transitions",
                        json={"to": "completed"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict" and "to" in error["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContractTransition)) == 0


@pytest.mark.parametrize("body, field", [
    ({"to": "suspended"}, "reason"),
    ({"to": "paused", "reason": "x"}, "to"),
    ({}, "to"),
    ({"to": "suspended", "reason": "x", "why": "y"}, "why"),
])
def test_bad_transition_input_is_422(api_as, make_contract, body, field):
    contract = make_contract(status="active")
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/transitions", json=body)
    assert response.status_code == 422 and field in error_of(response)["fields"]


def test_amendment_changes_a_running_contract(api_as, make_contract, db):
    set_today(date(2026, 6, 1))
    contract = make_contract(status="active")
    api, user = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}/amendments"
    response = api.post(url, json={"reason": "扩大调查范围", "amount": "150000.00",
                                   "end_date": "2027-03-31", "targets": {"households": 1500}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {
        "version": 2, "reason": "扩大调查范围", "at": "2026-06-01T04:00:00+00:00",
        "actor": {"id": user.id, "name": user.name or user.email},
        "changes": {"amount": ["120000.00", "150000.00"],
                    "end_date": ["2026-12-31", "2027-03-31"],
                    "targets": [{"households": 1200}, {"households": 1500}]}}
    body = api.get(f"/api/v1/contracts/{contract.id}").get_json()
    assert (body["version"], body["amount"], body["end_date"]) == (2, "150000.00", "2027-03-31")
    assert api.get(url).get_json()["items"][0]["version"] == 2


@pytest.mark.parametrize("status, body, code, field", [
    ("draft", {"reason": "x", "amount": "1.00"}, 409, None),
    ("completed", {"reason": "x", "amount": "1.00"}, 409, None),
    ("active", {"amount": "1.00"}, 422, "reason"),
    ("active", {"reason": "x", "amount": "120000.00"}, 422, "amount"),
    ("active", {"reason": "x", "end_date": "2030-01-01"}, 422, "end_date"),
    ("active", {"reason": "x", "title": "y"}, 422, "title"),
])
def test_refused_amendments(api_as, make_contract, status, body, code, field):
    contract = make_contract(status=status)
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/amendments", json=body)
    assert response.status_code == code, response.get_json()
    if field:
        assert field in error_of(response)["fields"]


def test_list_filters_and_pagination(api_as, make_contract, qualified_provider, make_facility):
    set_today(date(2026, 11, 1))
    provider = qualified_provider()
    make_contract(title="甲区入户调查", provider=provider, status="active")
    make_contract(title="乙县入户调查", region="b", status="active",
                  end_date=date(2027, 6, 30))
    make_contract(title="甲一福利院运营", service_type="facility_operation",
                  facility=make_facility(), targets={"beds": 100}, region="a1")
    api, _ = api_as("officer", region="city")

    def ids(query):
        response = api.get(f"/api/v1/contracts?{query}")
        assert response.status_code == 200, response.get_json()
        return [c["title"] for c in response.get_json()["items"]]

    assert len(ids("")) == 3
    assert ids("status=draft") == ["甲一福利院运营"]
    assert ids("service_type=facility_operation") == ["甲一福利院运营"]
    assert sorted(ids("region_code=100100")) == ["甲一福利院运营", "甲区入户调查"]
    assert ids(f"provider_id={provider.id}") == ["甲区入户调查"]
    assert ids("expiring_within_days=90") == ["甲区入户调查"]
    assert ids("q=乙县") == ["乙县入户调查"]
    page = api.get("/api/v1/contracts?per_page=2&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 2, 1)
    assert api.get("/api/v1/contracts?per_page=201").status_code == 422
    assert api.get("/api/v1/contracts?status=open").status_code == 422
    assert api.get("/api/v1/contracts?region_code=1").status_code == 422


def test_openapi_lists_every_contracts_path(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/providers", "/providers/{provider_id}", "/providers/{provider_id}/status",
                 "/providers/{provider_id}/qualifications", "/facilities",
                 "/facilities/{facility_id}", "/contracts", "/contracts/{contract_id}",
                 "/contracts/{contract_id}/transitions", "/contracts/{contract_id}/amendments",
                 "/procurements", "/procurements/{procurement_id}",
                 "/procurements/{procurement_id}/bids", "/bids/{bid_id}/award"):
        assert f"/api/v1{path}" in spec["paths"], path
    patch = spec["paths"]["/api/v1/contracts/{contract_id}"]["patch"]
    assert {"200", "404", "409", "422"} <= set(patch["responses"])
    amount = spec["components"]["schemas"]["ContractOut"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["description"]


def test_inspector_gets_a_contract_only_once_an_inspection_of_it_is_scheduled(
        api_as, make_contract, assign_inspection):
    contract, other = make_contract(), make_contract()
    api, inspector = api_as("inspector", region="a")
    assert api.get(f"/api/v1/contracts/{contract.id}").status_code == 404
    assert error_of(api.get(f"/api/v1/contracts/{contract.id}"))["code"] == "not_found"
    assign_inspection(inspector, contract=contract)
    assert api.get(f"/api/v1/contracts/{contract.id}").status_code == 200
    assert api.get(f"/api/v1/contracts/{other.id}").status_code == 404
    assert [c["id"] for c in api.get("/api/v1/contracts").get_json()["items"]] == [contract.id]
    assert api.get(f"/api/v1/providers/{contract.provider_id}").status_code == 200
    assert api.get(f"/api/v1/providers/{other.provider_id}").status_code == 404


@pytest.mark.parametrize("targets", [{"households": "1e999"}, {"households": 10**16}])
def test_a_target_beyond_any_count_is_422(api_as, make_contract, targets):
    contract = make_contract()
    api, _ = api_as("officer", region="a")
    response = api.patch(f"/api/v1/contracts/{contract.id}", json={"targets": targets})
    assert response.status_code == 422, response.get_json()
    assert "targets" in error_of(response)["fields"]


def test_a_weight_of_a_digit_that_is_not_ascii_is_422(api_as, make_contract):
    contract = make_contract()
    api, _ = api_as("officer", region="a")
    response = api.patch(f"/api/v1/contracts/{contract.id}", json={
        "weights": {"inspection": "²", "timeliness": "20", "targets": "30"}})  # "²".isdigit()
    assert response.status_code == 422, response.get_json()
    assert "weights" in error_of(response)["fields"]
