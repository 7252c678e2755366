"""A campaign whose targets come from the plan: "the N highest-risk homes"."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.errors import Forbidden, ValidationError
from app.users.models import User
from evaluations.campaigns.models import Campaign, Recurrence
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import correct_inspection
from reports.planning import campaign as plan_campaign
from reports.planning.campaign import campaign_from_plan
from tests.clients import Browser, error_of
from tests.locks import held_inside_while_the_second_waits


def _make(city, **overrides):
    values = dict(actor=city.officer, count=1, name="高风险机构专项检查",
                  template_id=city.template.id, region_code=None,
                  window_start=date(2026, 6, 8), window_end=date(2026, 6, 19),
                  inspector_ids=[city.inspector.id])
    return campaign_from_plan(**(values | overrides))


def test_the_campaign_inspects_the_highest_risk_homes(city, db):
    campaign = _make(city)
    db.session.commit()
    (inspection,) = campaign.inspections
    assert inspection.facility_id == city.vetoed.id  # the veto failure ranks it first
    assert inspection.scheduled_for == date(2026, 6, 8)
    assert campaign.recurrence is Recurrence.NONE and campaign.facility_kinds == ["elderly_home"]


def test_a_home_still_to_be_inspected_with_the_template_is_passed_over(city, db):
    """The first campaign's visit to the vetoed home is still to come: the next campaign from
    the plan takes the next home, not a second visit to the same one."""
    _make(city)
    db.session.commit()
    both = _make(city, count=20, name="第二批")
    assert {i.facility_id for i in both.inspections} == {city.clean.id}


def test_a_result_being_corrected_passes_nothing_over(city, db):
    """A correction of the vetoed home's March result is no visit to come: the home is still
    the first to inspect."""
    correct_inspection(city.vetoed_inspection, actor=city.officer, reason="申诉复核")
    db.session.commit()
    campaign = _make(city)
    assert [i.facility_id for i in campaign.inspections] == [city.vetoed.id]


def test_a_visit_of_another_kind_passes_nothing_over(city, db, schedule, make_template):
    schedule(facility=city.vetoed, template=make_template("quality"),
             scheduled_for=date(2026, 6, 3))
    both = _make(city, count=20, name="两家")
    assert {i.facility_id for i in both.inspections} == {city.vetoed.id, city.clean.id}


def test_two_campaigns_at_once_visit_different_homes(city, app, db, monkeypatch):
    """Both officers' plans read the vetoed home first; made at the same instant, both
    campaigns scheduled it. Now the second waits for the first and passes over its visit."""
    officer_id, template_id, inspector_id = city.officer.id, city.template.id, city.inspector.id

    def campaign(name):
        return lambda: campaign_from_plan(
            actor=db.session.get(User, officer_id), count=1, name=name, template_id=template_id,
            region_code=None, window_start=date(2026, 6, 8), window_end=date(2026, 6, 19),
            inspector_ids=[inspector_id])

    # the first held once its plan is read, until the second waits behind it
    outcomes = held_inside_while_the_second_waits(app, monkeypatch, plan_campaign,
                                                  "highest_risk", campaign("第一批"),
                                                  campaign("第二批"))
    assert outcomes == [None, None]
    visited = dict(db.session.execute(
        sa.select(Campaign.name, Inspection.facility_id)
        .join(Inspection, Inspection.campaign_id == Campaign.id)).all())
    assert visited == {"第一批": city.vetoed.id, "第二批": city.clean.id}


def test_bad_requests_create_nothing(city, db, make_user):
    for overrides, field in (({"count": 0}, "count"), ({"count": "x"}, "count"),
                             ({"inspector_ids": []}, "inspectors"),
                             ({"region_code": "100200"}, "region_code"),
                             ({"template_id": 999999}, "template_id")):
        with pytest.raises(ValidationError) as caught:
            _make(city, **overrides)
        assert field in caught.value.fields
        db.session.rollback()
    with pytest.raises(Forbidden):
        _make(city, actor=make_user("inspector"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_the_page_creates_it_and_refuses_other_roles(city, app, as_user, db):
    browser = Browser(app.test_client())
    assert browser.login(city.officer).status_code == 302
    form = browser.get("/reports/inspection-plan/campaign")
    assert form.status_code == 200
    response = browser.post("/reports/inspection-plan/campaign", {
        "name": "高风险机构专项检查", "count": "1", "template_id": str(city.template.id),
        "region_code": "100100", "window_start": "2026-06-08", "window_end": "2026-06-19",
        "inspectors": [str(city.inspector.id)], "assignment": "by_region"})
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = db.session.scalar(sa.select(Campaign))
    assert response.headers["Location"].endswith(f"/evaluations/campaigns/{campaign.id}")
    bad = browser.post("/reports/inspection-plan/campaign", {
        "name": "x", "count": "0", "template_id": str(city.template.id),
        "region_code": "100100", "window_start": "2026-06-08", "window_end": "2026-06-19",
        "inspectors": [str(city.inspector.id)], "assignment": "by_region"})
    assert bad.status_code == 422
    for role in ("inspector", "provider"):
        other, _u = as_user(role)
        assert other.get("/reports/inspection-plan/campaign").status_code == 403


def test_the_api_creates_it_from_the_plan(city, api_login, db):
    body = {"name": "高风险机构专项检查", "count": 1, "template_id": city.template.id,
            "window_start": "2026-06-08", "window_end": "2026-06-19",
            "inspector_ids": [city.inspector.id]}
    response = api_login(city.officer).post("/api/v1/inspection-plan/campaign", json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["targets"] == [{"facility_id": city.vetoed.id, "contract_id": None}]
    bad = api_login(city.officer).post("/api/v1/inspection-plan/campaign",
                                       json=body | {"count": 0})
    assert bad.status_code == 422 and "count" in error_of(bad)["fields"]
    assert api_login(city.inspector).post("/api/v1/inspection-plan/campaign",
                                          json=body).status_code == 403
