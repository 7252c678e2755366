"""Entrusted care (委托代养): the contract names the entrusting county, the centre and the number
of children; the monthly report lists the children by masked ID only; who sees what; the
contract's performance counts the children reported."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from stdnum.cn.ric import calc_check_digit

from app.errors import ValidationError
from contracts import services
from contracts.submissions import services as subs
from contracts.submissions.data import MAX_ROSTER, clean_data
from contracts.submissions.models import Submission
from reports.performance.services import contract_performance


def child(n: int, born: str = "20150301") -> str:
    body = f"100200{born}{n:03d}"
    return body + calc_check_digit(body + "0")


def masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


@pytest.fixture
def care(db, regions, make_facility, make_contract, make_user, make_provider):
    """County B entrusts 3 children to the city's centre, which lies in county A."""
    centre = make_facility("a1", name="示范市儿童福利中心", kind="child_welfare")
    contract = make_contract("b", status="active", service_type="entrusted_care",
                             facility=centre, targets={"children": 3},
                             title="乙县孤儿委托代养")
    return contract, make_user("provider", provider=contract.provider)


ROSTER = [{"child_id": child(1), "health_check": True, "school_stage": "primary"},
          {"child_id": child(2), "health_check": False, "school_stage": "primary"},
          {"child_id": child(3, "20230105"), "health_check": True}]


def test_the_contract_names_county_centre_and_children(db, regions, make_facility,
                                                       make_contract):
    centre = make_facility("a1", name="儿童福利中心", kind="child_welfare")
    home = make_facility("a1", name="养老院")
    with pytest.raises(ValidationError) as refused:
        make_contract("b", service_type="entrusted_care", targets={})
    assert set(refused.value.fields) == {"facility_id", "targets"}
    with pytest.raises(ValidationError) as refused:
        make_contract("b", service_type="entrusted_care", facility=home,
                      targets={"children": 3})
    assert refused.value.fields["facility_id"] == ["养老院 is not a child welfare institution."]
    with pytest.raises(ValidationError) as refused:
        make_contract("b1", service_type="entrusted_care", facility=centre,
                      targets={"children": 3})
    assert "county or the city" in refused.value.fields["region_code"][0]
    # the centre lies in county A; county B entrusts its children there
    contract = make_contract("b", service_type="entrusted_care", facility=centre,
                             targets={"children": 3})
    assert (contract.region.code, contract.facility_id) == ("100200", centre.id)


def test_an_operated_centre_raises_the_children_through_its_operator(
        db, regions, make_facility, make_contract, make_operation_contract, make_provider):
    centre = make_facility("a1", name="儿童福利中心", kind="child_welfare")
    operator = make_operation_contract(centre).provider
    with pytest.raises(ValidationError) as refused:
        make_contract("b", service_type="entrusted_care", facility=centre,
                      targets={"children": 3}, provider=make_provider())
    assert "operated by" in refused.value.fields["provider_id"][0]
    assert make_contract("b", service_type="entrusted_care", facility=centre,
                         targets={"children": 3}, provider=operator).provider_id == operator.id


def test_the_roster_is_stored_masked_and_gives_the_counts(care):
    contract, _user = care
    data = clean_data(contract, {"roster": ROSTER})
    assert data == {"children_in_care": 3, "health_checks": 2, "children_in_school": 2,
                    "school_stages": {"primary": 2},
                    "roster": [{"child_id": masked(child(1)), "health_check": True,
                                "school_stage": "primary"},
                               {"child_id": masked(child(2)), "health_check": False,
                                "school_stage": "primary"},
                               {"child_id": masked(child(3, "20230105")),
                                "health_check": True, "school_stage": None}]}
    # last month's masked IDs are taken as they are
    assert clean_data(contract, {"roster": data["roster"]}) == data


@pytest.mark.parametrize(("data", "field"), [
    ({"roster": ROSTER[:2] + [{"child_id": child(1)}]}, "data.roster.2.child_id"),  # twice
    ({"roster": [{"child_id": child(1)[:17] + "0"}]}, "data.roster.0.child_id"),  # check char
    ({"roster": [{"child_id": "张三"}]}, "data.roster.0.child_id"),
    ({"roster": [{"child_id": child(1), "health_check": "yes"}]},
     "data.roster.0.health_check"),
    ({"roster": [{"child_id": child(1), "school_stage": "college"}]},
     "data.roster.0.school_stage"),
    ({"roster": [{"child_id": child(1), "name": "张三"}]}, "data.roster.0.name"),
    ({"roster": ROSTER, "children_in_care": 4}, "data.children_in_care"),
    ({"roster": ROSTER, "health_checks": 3}, "data.health_checks"),
    ({"children_in_care": 3, "health_checks": 0, "children_in_school": 0}, "data.roster"),
])
def test_a_bad_roster_is_refused_naming_the_field(care, data, field):
    contract, _user = care
    with pytest.raises(ValidationError) as refused:
        clean_data(contract, data)
    assert field in refused.value.fields


def test_the_api_stores_and_answers_masked_ids_only(app, db, care, at_local, api_as):
    contract, user = care
    from tests.contracts.submissions.test_api import login_as

    api = login_as(app, user)
    at_local(2026, 11, 5, 9, 0)
    response = api.post(f"/api/v1/contracts/{contract.id}/submissions",
                        json={"period": "2026-10", "data": {"roster": ROSTER}})
    assert response.status_code == 201, response.get_json()
    text = response.get_data(as_text=True)
    assert masked(child(1)) in text and child(1) not in text
    stored = db.session.scalar(sa.select(Submission))
    assert child(1) not in str(stored.data) and stored.data["children_in_care"] == 3
    officer, _u = api_as("officer", region="b")
    read = officer.get(f"/api/v1/submissions/{stored.id}").get_data(as_text=True)
    assert masked(child(2)) in read and child(2) not in read


def test_the_provider_fills_the_roster_on_the_page_and_lists_show_masked_ids(
        app, db, care, at_local, as_user):
    contract, user = care
    from tests.clients import Browser

    browser = Browser(app.test_client())
    browser.login(user)
    at_local(2026, 11, 5, 9, 0)
    url = f"/contracts/{contract.id}/reports/2026-10"
    form = browser.get(url).get_data(as_text=True)
    assert form.count('name="roster-') >= 3 * 3  # a row per child entrusted at least
    fields = {"roster-0-child_id": child(1), "roster-0-health_check": "yes",
              "roster-0-school_stage": "primary", "roster-1-child_id": child(1),
              "submit": "Submit report"}
    refused = browser.post(url, fields)
    assert refused.status_code == 422
    assert "This child is already in row 1." in refused.get_data(as_text=True)
    fields["roster-1-child_id"] = child(2)
    response = browser.post(url, fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert masked(child(1)) in page and child(1) not in page
    officer, _u = as_user("officer", region="b")
    detail = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert masked(child(2)) in detail and child(2) not in detail and "Primary school" in detail


def test_the_report_page_of_a_centre_of_more_children_than_a_roster_holds_opens(
        app, db, care, at_local):
    contract, user = care
    # a contract of before the cap on targets (the roster lists at most MAX_ROSTER children)
    contract.targets = {"children": MAX_ROSTER + 200}
    db.session.commit()
    from tests.clients import Browser

    browser = Browser(app.test_client())
    browser.login(user)
    at_local(2026, 11, 5, 9, 0)
    page = browser.get(f"/contracts/{contract.id}/reports/2026-10")
    assert page.status_code == 200
    assert f'name="roster-{MAX_ROSTER - 1}-child_id"' in page.get_data(as_text=True)
    assert f'name="roster-{MAX_ROSTER}-child_id"' not in page.get_data(as_text=True)


def test_the_entrusting_county_sees_contract_and_centre_another_county_neither(
        db, care, as_user, make_user):
    contract, _user = care
    county_b, _u = as_user("officer", region="b")
    assert county_b.get(f"/contracts/{contract.id}").status_code == 200
    page = county_b.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Entrusting region" in page and "Child welfare centre" in page
    assert county_b.get(f"/facilities/{contract.facility_id}").status_code == 200
    # the centre's own county sees the centre, not county B's contract
    county_a, _u = as_user("officer", region="a")
    assert county_a.get(f"/contracts/{contract.id}").status_code == 404
    assert county_a.get(f"/facilities/{contract.facility_id}").status_code == 200
    other, _u = as_user("provider")
    assert other.get(f"/contracts/{contract.id}").status_code == 404


def test_performance_counts_the_children_reported(db, care, at_local):
    contract, user = care
    at_local(2026, 11, 5, 9, 0)
    subs.submit_report(contract, "2026-10", {"roster": ROSTER[:2]}, actor=user)
    db.session.commit()
    result = contract_performance(contract, "2026-Q4", today=date(2026, 12, 31))
    assert result.details["targets"] == {"achieved": 2, "target": 3}
    assert f"{result.targets:.1f}" == "66.7"


def test_the_demo_seed_holds_one_arrangement_with_the_city_centre(db, demo_city):
    from contracts.models import Contract

    contracts = db.session.scalars(sa.select(Contract).where(
        Contract.service_type == "entrusted_care")).all()
    assert contracts and {c.facility.name for c in contracts} == {"咸宁市儿童福利中心"}
    assert all(c.region.level.value == "county" and c.targets["children"] > 0
               and c.provider.name == "咸宁市儿童福利中心" for c in contracts)
    reports = db.session.scalars(sa.select(Submission).where(
        Submission.contract_id.in_([c.id for c in contracts]))).all()
    assert reports
    for report in reports:
        roster = report.data["roster"]
        assert len(roster) == report.data["children_in_care"]
        assert all("********" in row["child_id"] for row in roster)


def test_a_county_officer_drafts_the_arrangement_on_the_page(db, regions, make_facility,
                                                             qualified_provider, as_user):
    centre = make_facility("a1", name="示范市儿童福利中心", kind="child_welfare")
    provider = qualified_provider()
    browser, _officer = as_user("officer", region="b")
    page = browser.get("/contracts/new").get_data(as_text=True)
    assert "示范市儿童福利中心" in page  # the city's centre, outside county B, is offered
    form = {"title": "乙县孤儿委托代养", "service_type": "entrusted_care",
            "provider_id": str(provider.id), "region_code": "100200",
            "facility_id": str(centre.id), "start_date": "2026-01-01",
            "end_date": "2026-12-31", "amount": "93600.00", "reporting": "monthly",
            "report_due_days": "10", "weight_inspection": "60",
            "weight_timeliness": "20", "weight_targets": "20"}
    refused = browser.post("/contracts/new", form)
    assert refused.status_code == 422
    assert "Give the number of children entrusted" in refused.get_data(as_text=True)
    response = browser.post("/contracts/new", form | {"target_children": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)
    from contracts.models import Contract

    contract = db.session.scalar(sa.select(Contract))
    assert (contract.region.code, contract.facility_id, contract.targets) == (
        "100200", centre.id, {"children": 3})


def test_an_amendment_keeps_the_children_entrusted(db, care):
    contract, _ = care
    with pytest.raises(ValidationError) as refused:
        services.amend_contract(contract, reason="调整", actor=None, targets={})
    assert "targets" in refused.value.fields
    assert contract.targets == {"children": 3}
