"""Contract pages: detail with timeline; draft create/edit; transitions; amendments;
payments; dashboard cards (the list: test_views_contract_list.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contracts.models import Contract, ContractStatus, Installment


@pytest.fixture(autouse=True)
def _march(on_day):
    on_day(date(2026, 3, 1))


def test_officer_sees_contracts_of_their_region_only(as_user, make_contract):
    mine = make_contract("a")
    other = make_contract("b")
    browser, _ = as_user("officer", region="a")
    page = browser.get("/contracts").get_data(as_text=True)
    assert mine.number in page and other.number not in page
    assert browser.get(f"/contracts/{mine.id}").status_code == 200
    assert browser.get(f"/contracts/{other.id}").status_code == 404
    assert browser.get(f"/contracts/{other.id}/edit").status_code == 404


def test_provider_sees_own_contracts_and_404_for_others(as_user, make_contract):
    mine = make_contract("a")
    other = make_contract("a")
    browser, _ = as_user("provider", provider=mine.provider)
    page = browser.get("/contracts").get_data(as_text=True)
    assert mine.number in page and other.number not in page
    assert browser.get(f"/contracts/{mine.id}").status_code == 200
    assert browser.get(f"/contracts/{other.id}").status_code == 404
    assert browser.get(f"/providers/{other.provider_id}").status_code == 404
    assert browser.get("/contracts/new").status_code == 403


def test_inspector_cannot_reach_write_pages(as_user, make_contract, assign_inspection):
    contract = make_contract("a", status="active")
    browser, inspector = as_user("inspector", region="a")
    assign_inspection(inspector, contract=contract)
    assert browser.get(f"/contracts/{contract.id}").status_code == 200
    assert browser.get("/contracts/new").status_code == 403
    assert browser.get(f"/contracts/{contract.id}/edit").status_code == 403
    assert browser.post(f"/contracts/{contract.id}/transition",
                        {"to": "suspended", "reason": "x"}).status_code == 403
    assert browser.post(f"/contracts/{contract.id}/amend",
                        {"amount": "1", "reason": "x"}).status_code == 403


def _contract_form(provider, **overrides) -> dict:
    return {"title": "2026年甲区入户调查", "service_type": "household_survey",
            "provider_id": str(provider.id), "region_code": "100100",
            "start_date": "2026-04-01", "end_date": "2027-03-31", "amount": "120000.00",
            "reporting": "monthly", "report_due_days": "10", "target_households": "1200",
            "weight_inspection": "60", "weight_timeliness": "20", "weight_targets": "20"
            } | overrides


def test_create_contract_shows_its_number(as_user, qualified_provider, db):
    provider = qualified_provider()
    browser, _ = as_user("officer", region="a")
    browser.get("/contracts/new")
    response = browser.post("/contracts/new", _contract_form(
        provider, share_1="30", due_1="2026-04-01", share_2="70", due_2="2027-05-01"))
    assert response.status_code == 302
    contract = db.session.scalars(sa.select(Contract)).one()
    assert contract.number.endswith("-2026-HS-0001")
    assert [i.share_percent for i in contract.installments] == [30, 70]
    page = browser.get(response.location).get_data(as_text=True)
    assert contract.number in page and "¥120,000.00" in page and "¥84,000.00" in page
    assert "Performance-linked" in page


@pytest.mark.parametrize("overrides, message", [
    ({"end_date": "2026-03-01"}, "The end date must come after the start date"),
    ({"target_children": "5"}, "Children is not a target of this service type"),
    ({"target_households": "-3"}, "Number must be at least 0.01"),
    ({"target_households": "many"}, "Not a valid decimal value"),
    ({"weight_targets": "30"}, "The weights must sum to 100"),
    ({"share_1": "40", "due_1": "2026-04-01"}, "The shares must sum to exactly 100%"),
    ({"region_code": "100200"}, "Not a valid choice"),
])
def test_bad_contract_input_is_422_naming_the_problem(as_user, qualified_provider, db,
                                                      overrides, message):
    provider = qualified_provider()
    browser, _ = as_user("officer", region="a")
    browser.get("/contracts/new")
    response = browser.post("/contracts/new", _contract_form(provider, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 0


def test_edit_draft_changes_terms_and_schedule(as_user, make_contract, db):
    contract = make_contract("a")
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    assert 'name="target_households" step="any" type="number" value="1200"' in page
    response = browser.post(f"/contracts/{contract.id}/edit", _contract_form(
        contract.provider, start_date="2026-01-01", end_date="2026-12-31", amount="99000.00",
        share_1="20", due_1="2026-01-01", share_2="30", due_2="2026-07-01",
        share_3="50", due_3="2027-01-30"))
    assert response.status_code == 302
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    assert contract.amount == Decimal("99000.00") and len(contract.installments) == 3


def test_legal_transitions_through_the_ui(as_user, make_contract, db):
    contract = make_contract("a")
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Activate" in page and "Terminate" not in page
    assert browser.post(f"/contracts/{contract.id}/transition",
                        {"to": "active"}).status_code == 302
    response = browser.post(f"/contracts/{contract.id}/transition", {"to": "suspended"})
    assert response.status_code == 422  # a suspension must say why
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status is ContractStatus.ACTIVE
    assert browser.post(f"/contracts/{contract.id}/transition",
                        {"to": "suspended", "reason": "停业整顿"}).status_code == 302
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "停业整顿" in page and "Suspended" in page
    assert browser.post(f"/contracts/{contract.id}/transition",
                        {"to": "terminated", "reason": "严重违约"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status is ContractStatus.TERMINATED


def test_illegal_transition_shows_the_conflict_and_changes_nothing(as_user, make_contract, db):
    contract = make_contract("a")
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{contract.id}")
    response = browser.post(f"/contracts/{contract.id}/transition", {"to": "completed"})
    assert response.status_code == 409
    assert "A contract with status “Draft” cannot become “Completed”" in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status is ContractStatus.DRAFT


def test_amendment_shows_in_the_timeline_with_old_and_new(as_user, make_contract, db):
    contract = make_contract("a", status="active")
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{contract.id}")
    response = browser.post(f"/contracts/{contract.id}/amend",
                            {"amount": "130000.00", "end_date": "2027-01-31",
                             "reason": "增加服务户数"})
    assert response.status_code == 302
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "¥120,000.00 → ¥130,000.00" in page
    assert "2026-12-31 → 2027-01-31" in page and "增加服务户数" in page
    assert "Amendment, version 2" in page


def test_amendment_without_reason_or_change_is_refused(as_user, make_contract, db):
    contract = make_contract("a", status="active")
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{contract.id}")
    assert browser.post(f"/contracts/{contract.id}/amend",
                        {"amount": "130000.00"}).status_code == 422
    response = browser.post(f"/contracts/{contract.id}/amend",
                            {"amount": "120000.00", "reason": "无"})
    assert response.status_code == 422
    assert "changes nothing" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).version == 1


def test_record_payment_on_an_installment(as_user, make_contract, db):
    contract = make_contract("a", status="active")
    first = contract.installments[0]
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{contract.id}")
    url = f"/contracts/{contract.id}/installments/{first.id}/pay"
    response = browser.post(url, {"paid_amount": "70000.00"})
    assert response.status_code == 422
    assert "Between 0 and the installment" in response.get_data(as_text=True)
    assert browser.post(url, {"paid_amount": "60000.00"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Installment, first.id).paid_amount == Decimal("60000.00")
    assert browser.post(url, {"paid_amount": "60000.00"}).status_code == 409


def test_dashboard_cards(as_user, make_contract):
    contract = make_contract("a", status="active", end_date=date(2026, 5, 1))
    make_contract("a")
    officer, _ = as_user("officer", region="a")
    page = officer.get("/").get_data(as_text=True)
    assert "Active contracts" in page and "Contracts expiring within 90 days" in page
    provider, _ = as_user("provider", provider=contract.provider)
    page = provider.get("/").get_data(as_text=True)
    assert "My active contracts" in page and "/contracts" in page


def test_navigation_by_role(as_user):
    officer, _ = as_user("officer")
    page = officer.get("/").get_data(as_text=True)
    for url in ("/providers", "/facilities", "/procurements", "/contracts"):
        assert f'href="{url}"' in page
    inspector, _ = as_user("inspector")
    page = inspector.get("/").get_data(as_text=True)
    assert 'href="/contracts"' in page and 'href="/facilities"' in page
    assert 'href="/procurements"' not in page and 'href="/providers"' not in page


def test_inspector_sees_a_contract_of_their_region_only_once_an_inspection_is_scheduled(
        as_user, make_contract, assign_inspection):
    contract = make_contract("a", status="active")
    browser, inspector = as_user("inspector", region="a")
    assert browser.get(f"/contracts/{contract.id}").status_code == 404
    assert contract.number not in browser.get("/contracts").get_data(as_text=True)
    assign_inspection(inspector, contract=contract)
    assert browser.get(f"/contracts/{contract.id}").status_code == 200
    assert contract.number in browser.get("/contracts").get_data(as_text=True)
    assert browser.get(f"/providers/{contract.provider_id}").status_code == 200


def test_targets_are_labelled_number_inputs_and_unknown_keys_keep_a_label(as_user, make_contract,
                                                                          db):
    contract = make_contract("a", service_type="other", targets={"events": 24, "wells_dug": 3})
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "宣传活动场次: <strong>24</strong>" in page
    assert "其他目标“wells_dug”: <strong>3</strong>" in page and "events:" not in page
    page = browser.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    assert '<label class="form-label" for="target_events">宣传活动场次</label>' in page
    assert 'data-target-of="household_survey"' in page  # every type's inputs; JS shows one
    form = _contract_form(contract.provider, service_type="other", target_households="",
                          target_events="30", target_visits="500",
                          extra_targets='{"wells_dug": 3}')
    assert browser.post(f"/contracts/{contract.id}/edit", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).targets == {
        "wells_dug": 3, "events": 30, "visits": 500}


def test_amendment_changes_targets_only_when_they_differ(as_user, make_contract, db):
    contract = make_contract("a", status="active")
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert 'name="target_households"' in page and 'name="target_beds"' not in page
    response = browser.post(f"/contracts/{contract.id}/amend", {
        "amount": "130000.00", "target_households": "1200", "reason": "追加经费"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).targets == {"households": 1200}
    response = browser.post(f"/contracts/{contract.id}/amend", {
        "target_households": "1500", "reason": "增加户数"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).targets == {"households": 1500}
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Households 1200  → Households 1500" in page


@pytest.mark.parametrize("amount, shown", [
    ("1234567.5", "¥1,234,567.50"), ("0.005", "¥0.00"), ("0.015", "¥0.02"), ("800000", "¥800,000.00"),
])
def test_money_reads_the_same_in_both_languages(app, amount, shown):
    from flask_babel import force_locale

    from app.template_helpers import yuan

    for language in ("zh_CN", "en"):
        with app.test_request_context(), force_locale(language):
            assert yuan(Decimal(amount)) == shown
    assert yuan(None) == ""


def test_the_contract_form_offers_homes_with_their_region_and_narrows_long_selects(
        db, as_user, make_facility):
    home = make_facility(region="a1")
    browser, _user = as_user("officer", region="a")
    page = browser.get("/contracts/new").get_data(as_text=True)
    assert f'<option value="{home.id}">甲一福利院 (甲一街道)</option>' in page
    for field in ("provider_id", "facility_id"):
        tag = page[page.index(f'id="{field}"') - 200:page.index(f'id="{field}"') + 200]
        assert "data-searchable=" in tag, field


def test_a_former_operator_is_not_shown_the_current_one_on_its_contract(as_user,
                                                                        handed_over_home):
    _home, earlier, old, current = handed_over_home
    browser, _ = as_user("provider", provider=earlier)
    page = browser.get(f"/contracts/{old.id}").get_data(as_text=True)
    assert old.number in page and current.provider.name not in page
