"""Who changes a provider: registering is open to every officer; editing it, its status and
its qualifications is for admins and officers of the city or of a region holding every
contract and bid of the provider. And a facility or procurement hidden from an officer answers
exactly like a missing one when a contract names it."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import Forbidden, ValidationError
from contracts import services
from contracts.credit_code import make_credit_code
from contracts.models import Provider, ProviderStatus, Qualification
from tests.clients import error_of


@pytest.fixture
def works_in_b(db, make_contract, qualified_provider):
    """A provider with one contract in county B only."""
    provider = qualified_provider()
    make_contract(region="b", provider=provider)
    return provider


def _state(db, provider_id: int) -> tuple:
    db.session.expire_all()
    provider = db.session.get(Provider, provider_id)
    return provider.name, provider.status, len(provider.qualifications)


def test_an_officer_of_another_county_cannot_change_a_provider_over_the_api(api_as, works_in_b,
                                                                            db):
    api, _ = api_as("officer", region="a")
    pid = works_in_b.id
    before = _state(db, pid)
    answers = [
        api.patch(f"/api/v1/providers/{pid}", json={"name": "改掉"}),
        api.post(f"/api/v1/providers/{pid}/status", json={"status": "suspended",
                                                          "reason": "试试看"}),
        api.post(f"/api/v1/providers/{pid}/qualifications", json={"cert_type": "证书",
                                                                  "number": "X1"}),
        api.delete(f"/api/v1/providers/{pid}/qualifications/{works_in_b.qualifications[0].id}"),
    ]
    assert [r.status_code for r in answers] == [403] * 4
    assert all(error_of(r)["code"] == "forbidden" for r in answers)
    assert _state(db, pid) == before
    assert api.get(f"/api/v1/providers/{pid}").status_code == 200  # still seen: city-wide


def test_an_officer_of_another_county_cannot_change_a_provider_in_the_pages(as_user, works_in_b,
                                                                            db):
    browser, _ = as_user("officer", region="a")
    pid = works_in_b.id
    before = _state(db, pid)
    page = browser.get(f"/providers/{pid}")
    assert page.status_code == 200
    assert f"/providers/{pid}/edit" not in page.get_data(as_text=True)
    assert browser.get(f"/providers/{pid}/edit").status_code == 403
    assert browser.get(f"/providers/{pid}/status").status_code == 403
    assert browser.post(f"/providers/{pid}/edit", {"name": "改掉", "kind": "company",
                                                   "credit_code": works_in_b.credit_code}
                        ).status_code == 403
    assert browser.post(f"/providers/{pid}/status", {"status": "suspended",
                                                     "reason": "试试看"}).status_code == 403
    assert browser.post(f"/providers/{pid}/qualifications", {
        "cert_type": "证书", "number": "X1"}).status_code == 403
    qid = works_in_b.qualifications[0].id
    assert browser.post(f"/providers/{pid}/qualifications/{qid}/remove").status_code == 403
    assert _state(db, pid) == before


@pytest.mark.parametrize("who", [dict(role="officer", region="b"),
                                 dict(role="officer", region="city"), dict(role="admin")])
def test_the_providers_own_county_the_city_and_admins_change_it(api_as, works_in_b, db, who):
    api, _ = api_as(who.pop("role"), **who)
    response = api.post(f"/api/v1/providers/{works_in_b.id}/status",
                        json={"status": "suspended", "reason": "逾期未整改"})
    assert response.status_code == 200, response.get_json()
    assert _state(db, works_in_b.id)[1] is ProviderStatus.SUSPENDED


def test_a_county_officer_changes_a_provider_working_only_below_their_region(
        as_user, make_contract, qualified_provider, db):
    provider = qualified_provider()
    make_contract(region="a", provider=provider)
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert f"/providers/{provider.id}/edit" in page
    browser.get(f"/providers/{provider.id}/status")
    response = browser.post(f"/providers/{provider.id}/status",
                            {"status": "suspended", "reason": "逾期未整改"})
    assert response.status_code == 302


def test_every_officer_registers_and_completes_a_new_provider(api_as, db):
    api, _ = api_as("officer", region="a1")
    response = api.post("/api/v1/providers", json={
        "name": "新机构", "credit_code": make_credit_code("52", "100100", "87654321"),
        "kind": "social_org"})
    assert response.status_code == 201
    pid = response.get_json()["id"]
    assert api.patch(f"/api/v1/providers/{pid}", json={"contact_name": "刘芳"}
                     ).status_code == 200  # no contract elsewhere yet


def test_a_bid_in_another_county_counts_like_a_contract(api_as, make_provider,
                                                        make_procurement, db):
    provider = make_provider()
    procurement = make_procurement(region="b")
    services.submit_bid(procurement, provider=provider, price=Decimal("90000"))
    db.session.commit()
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/providers/{provider.id}/status",
                        json={"status": "suspended", "reason": "拦截乙县的授标"})
    assert response.status_code == 403


def test_the_rule_speaks_both_languages(api_as, works_in_b):
    api, _ = api_as("officer", region="a")
    english = api.patch(f"/api/v1/providers/{works_in_b.id}", json={"name": "x"})
    chinese = api.patch(f"/api/v1/providers/{works_in_b.id}", json={"name": "x"},
                        headers={"Accept-Language": "zh-CN"})
    assert "outside your region" in error_of(english)["message"]
    assert "本辖区以外" in error_of(chinese)["message"]


# ---- the facility (and procurement) existence oracle --------------------------------------

def _contract_body(regions, **extra) -> dict:
    return {"title": "乙县机构运营", "service_type": "facility_operation",
            "provider_id": extra.pop("provider_id"), "region_code": "100100",
            "start_date": "2026-01-01", "end_date": "2026-12-31", "amount": "100000.00",
            **extra}


def test_a_hidden_facility_answers_like_a_missing_one(api_as, regions, make_facility,
                                                      qualified_provider, db):
    hidden = make_facility("b1", name="乙一敬老院")
    provider = qualified_provider()
    api, _ = api_as("officer", region="a")
    answers = [api.post("/api/v1/contracts", json=_contract_body(
        regions, provider_id=provider.id, facility_id=facility_id))
        for facility_id in (hidden.id, hidden.id + 1000)]
    assert [r.status_code for r in answers] == [422, 422]
    assert error_of(answers[0])["fields"]["facility_id"] == \
        error_of(answers[1])["fields"]["facility_id"]
    assert error_of(answers[0])["fields"]["facility_id"][0] == "No such record."


def test_a_hidden_facility_answers_like_a_missing_one_in_a_procurement(api_as, make_facility):
    hidden = make_facility("b1", name="乙一敬老院")
    api, _ = api_as("officer", region="a")
    body = {"title": "机构运营采购", "service_type": "facility_operation", "region_code": "100100",
            "budget": "300000.00", "method": "open_tender"}
    answers = [api.post("/api/v1/procurements", json=body | {"facility_id": fid})
               for fid in (hidden.id, hidden.id + 1000)]
    assert [r.status_code for r in answers] == [422, 422]
    assert error_of(answers[0])["fields"]["facility_id"] == \
        error_of(answers[1])["fields"]["facility_id"]


def test_a_hidden_procurement_answers_like_a_missing_one(make_user, make_procurement,
                                                         qualified_provider, regions):
    hidden = make_procurement(region="b")
    officer = make_user("officer", region="a")
    refusals = []
    for procurement_id in (hidden.id, hidden.id + 1000):
        with pytest.raises(ValidationError) as refused:
            services.create_contract(
                title="甲区入户调查", service_type="household_survey",
                provider=qualified_provider(), region=regions["a"], procurement=procurement_id,
                start_date="2026-01-01", end_date="2026-12-31", amount="100000.00",
                actor=officer)
        refusals.append(refused.value.fields)
    assert refusals[0] == refusals[1] == {"procurement_id": ["No such record."]}


def test_a_visible_facility_outside_the_contract_region_still_says_so(api_as, regions,
                                                                       make_facility,
                                                                       qualified_provider):
    facility = make_facility("b1")
    provider = qualified_provider()
    api, _ = api_as("officer", region="city")
    response = api.post("/api/v1/contracts", json=_contract_body(
        regions, provider_id=provider.id, facility_id=facility.id))
    assert response.status_code == 422
    assert "outside the contract's region" in error_of(response)["fields"]["facility_id"][0]


def test_remove_qualification_through_the_service_checks_the_actor(works_in_b, make_user, db):
    officer = make_user("officer", region="a")
    qualification = db.session.scalars(sa.select(Qualification)).first()
    with pytest.raises(Forbidden):
        services.remove_qualification(qualification, actor=officer)


def test_the_seed_and_jobs_act_without_an_actor(works_in_b, db):
    services.set_provider_status(works_in_b, "suspended", "系统")
    assert works_in_b.status is ProviderStatus.SUSPENDED
