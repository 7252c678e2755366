"""Second review of procurement and the contract lifecycle: what a bureau met on drafts moved
in time through the API, and on the messages of a refused credit code."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_python

from contracts.models import Contract, ContractStatus
from tests.clients import error_of

ROOT = Path(__file__).resolve().parents[2]


def _schedule(db, contract_id):
    db.session.expire_all()
    return [(i.due_date, i.share_percent, i.performance_linked)
            for i in db.session.get(Contract, contract_id).installments]


def test_moving_a_drafts_dates_moves_its_default_schedule(api_as, make_contract, db):
    """The default 50/50 schedule (as an award drafts it) stayed on the old dates: the first
    installment fell due before the service started, the performance-linked one before the
    service it pays for had ended."""
    contract = make_contract(region="a")
    api, _ = api_as("officer", region="a")
    moved = api.patch(f"/api/v1/contracts/{contract.id}",
                      json={"start_date": "2026-03-01", "end_date": "2027-02-28"})
    assert moved.status_code == 200, moved.get_json()
    assert [i["due_date"] for i in moved.get_json()["installments"]] == [
        "2026-03-01", "2027-03-30"]
    assert _schedule(db, contract.id) == [
        (date(2026, 3, 1), Decimal("50.00"), False), (date(2027, 3, 30), Decimal("50.00"), True)]


def test_a_custom_schedule_left_before_a_moved_start_is_refused(api_as, make_contract, db):
    """A schedule the officer chose is not guessed anew: a start moved past one of its
    installments is refused naming the schedule, and nothing changes."""
    contract = make_contract(region="a", installments=[
        {"share_percent": "30", "due_date": "2026-01-10"},
        {"share_percent": "70", "due_date": "2027-01-30", "performance_linked": True}])
    api, _ = api_as("officer", region="a")
    refused = api.patch(f"/api/v1/contracts/{contract.id}", json={"start_date": "2026-02-01"})
    assert refused.status_code == 422, refused.get_json()
    assert "installments" in error_of(refused)["fields"]
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).start_date == date(2026, 1, 1)
    assert _schedule(db, contract.id)[0][0] == date(2026, 1, 10)


@pytest.mark.parametrize("code", ["123", "91350100M000100146", "91350100M000100158"])
def test_every_credit_code_refusal_is_translatable(api_as, regions, code):
    """The refusal named what is wrong with the code in English inside the Chinese message
    (统一社会信用代码无效：must be 18 characters …): its reasons were no messages at all."""
    api, _ = api_as("officer", region="a")
    refused = api.post("/api/v1/providers", json={
        "name": "某社工站", "credit_code": code, "kind": "social_org"})
    assert refused.status_code == 422, refused.get_json()
    [message] = error_of(refused)["fields"]["credit_code"]
    reason = message.removeprefix("Invalid unified social credit code: ").removesuffix(".")
    assert reason != message and reason in _msgids("contracts/credit_code.py")


def _msgids(path: str) -> set[str]:
    """The messages ``pybabel extract`` (run with the project's keywords) finds in ``path``."""
    with (ROOT / path).open("rb") as source:
        return {message for _, _, message, _ in extract_python(
            source, ["_", "_l", "gettext", "lazy_gettext"], [], {})}


def test_a_too_long_termination_reason_is_explained_not_a_bare_400(as_user, make_contract, db):
    """A reason of more than 2000 characters answered a bare “Bad Request” page: the officer
    never learnt why the contract was not terminated."""
    contract = make_contract("a", status="active")
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{contract.id}")
    response = browser.post(f"/contracts/{contract.id}/transition",
                            {"to": "terminated", "reason": "严重违约" * 501})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The contract&#39;s status was not changed." in page
    assert "At most 2000 characters." in page
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status is ContractStatus.ACTIVE


def test_a_bad_end_date_is_not_blamed_on_a_schedule_nobody_sent(
        api_as, make_procurement, qualified_provider, on_day):
    """An award (or a draft) ending before it starts was refused with two complaints about
    installments the officer never sent: the default schedule, reckoned from the bad dates."""
    on_day(date(2026, 2, 1))
    procurement = make_procurement()
    api, _ = api_as("officer", region="a")
    bid = api.post(f"/api/v1/procurements/{procurement.id}/bids", json={
        "provider_id": qualified_provider().id, "price": "1000"}).get_json()
    refused = api.post(f"/api/v1/bids/{bid['id']}/award", json={"end_date": "2026-01-01"})
    assert refused.status_code == 422, refused.get_json()
    assert set(error_of(refused)["fields"]) == {"end_date"}
    assert api.get(f"/api/v1/procurements/{procurement.id}").get_json()["status"] == "open"


def test_a_home_is_not_moved_out_of_the_county_that_contracted_it(
        api_as, make_facility, make_contract, db):
    """The city moved a home operated under county A's contract into county B: A's officers
    lost sight of the home their contract runs, B's saw A's operator and could change it."""
    home = make_facility("a1")
    make_contract("a", status="active", service_type="facility_operation", facility=home,
                  targets={})
    api, _ = api_as("officer", region="city")
    refused = api.patch(f"/api/v1/facilities/{home.id}", json={"region_code": "100200"})
    assert refused.status_code == 422, refused.get_json()
    assert "region_code" in error_of(refused)["fields"]
    db.session.expire_all()
    assert db.session.get(type(home), home.id).region.code == "100100001"
    inside = api.patch(f"/api/v1/facilities/{home.id}", json={"region_code": "100100"})
    assert inside.status_code == 200, inside.get_json()


@pytest.mark.parametrize("targets", [{"households": 1200.5}, {"households": "0.5"}])
def test_a_count_target_is_a_whole_number(api_as, make_contract, targets):
    """1200.5 households was drafted and amended as given: the attainment of a contract was
    then reckoned against half a household (and a roster against half a child)."""
    api, _ = api_as("officer", region="a")
    draft = make_contract(region="a")
    refused = api.patch(f"/api/v1/contracts/{draft.id}", json={"targets": targets})
    assert refused.status_code == 422, refused.get_json()
    assert "targets" in error_of(refused)["fields"]
    running = make_contract(region="a", status="active")
    refused = api.post(f"/api/v1/contracts/{running.id}/amendments",
                       json={"targets": targets, "reason": "扩围"})
    assert refused.status_code == 422, refused.get_json()
    assert api.get(f"/api/v1/contracts/{running.id}").get_json()["targets"] == {
        "households": 1200}


def test_a_refused_entrusting_region_is_named_in_the_readers_language(api_as, regions,
                                                                      qualified_provider):
    """The English refusal named the street in Chinese (“…not 甲一街道.”), though every English
    page names it “A1 Street”."""
    api, _ = api_as("officer", region="a")
    refused = api.post("/api/v1/contracts", json={
        "title": "委托代养", "service_type": "entrusted_care", "region_code": "100100001",
        "provider_id": qualified_provider().id, "start_date": "2026-01-01",
        "end_date": "2026-12-31", "amount": "1000", "targets": {"children": 3}})
    assert refused.status_code == 422, refused.get_json()
    [message] = error_of(refused)["fields"]["region_code"]
    assert message.endswith("not A1 Street.") and "甲一街道" not in message
