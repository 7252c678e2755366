"""Survey-window campaigns (三周工作法): the survey_service template over the household-survey
contracts of the chosen counties, assigned by county, progress by county, and the recurrence
that creates the next window's campaign; through the services, the page and the API."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from evaluations import reminders
from evaluations.campaigns import recurrence, services
from evaluations.campaigns.models import Campaign, Recurrence
from evaluations.campaigns.progress import campaign_progress
from evaluations.inspections.models import Inspection
from tests.clients import Browser

MIDDLE = (date(2026, 6, 1), date(2026, 6, 21))  # the default windows: 1 Jan, 1 Jun, 1 Nov


@pytest.fixture
def surveys(db, regions, make_user, make_template, make_contract, make_facility, fixed_today):
    fixed_today(date(2026, 5, 20))
    w = SimpleNamespace(
        regions=regions, template=make_template("survey_service"),
        a=make_contract("a", status="active", title="甲区入户调查"),
        a1=make_contract("a1", status="active", title="甲一街道入户调查"),
        b=make_contract("b", status="active", title="乙县入户调查"),
        draft=make_contract("b", title="乙县入户调查（草稿）"),
        ended=make_contract("a", status="active", title="甲区上半年", start_date=date(2026, 1, 1),
                            end_date=date(2026, 4, 30)),
        care=make_contract("b", status="active", service_type="entrusted_care",
                           targets={"children": 5},
                           facility=make_facility("a1", name="儿童福利中心",
                                                  kind="child_welfare")),
        officer=make_user("officer", region="city"),
        insp_a=make_user("inspector", region="a", name="甲"),
        insp_b=make_user("inspector", region="b", name="乙"))
    return w


def _create(w, **overrides):
    values = dict(name="2026年入户调查三周工作法评估", template=w.template, region=w.regions["city"],
                  service_types=["household_survey"], window_start=MIDDLE[0],
                  window_end=MIDDLE[1], inspectors=[w.insp_a, w.insp_b],
                  recurrence="survey_windows", actor=w.officer)
    return services.create_campaign(**(values | overrides))


def test_one_evaluation_per_household_survey_contract_assigned_by_county(db, surveys):
    campaign = _create(surveys)
    db.session.commit()

    rows = db.session.scalars(sa.select(Inspection).where(Inspection.campaign_id == campaign.id)
                              .order_by(Inspection.scheduled_for)).all()
    by_contract = {r.contract_id: r for r in rows}
    # active household surveys running in the window: not the draft, not the one that ended
    # in April, not the entrusted care
    assert set(by_contract) == {surveys.a.id, surveys.a1.id, surveys.b.id}
    assert by_contract[surveys.a.id].inspector_id == surveys.insp_a.id
    assert by_contract[surveys.a1.id].inspector_id == surveys.insp_a.id
    assert by_contract[surveys.b.id].inspector_id == surveys.insp_b.id
    assert all(r.facility_id is None and r.template_id == surveys.template.id
               and MIDDLE[0] <= r.scheduled_for <= MIDDLE[1] for r in rows)
    assert by_contract[surveys.b.id].provider_id == surveys.b.provider_id
    progress = campaign_progress(campaign).as_dict()
    assert {c["region_code"]: c["scheduled"] for c in progress["by_county"]} == {
        "100100": 2, "100200": 1}


def test_chosen_counties_limit_the_contracts(db, surveys):
    campaign = _create(surveys, county_codes=["100200"])
    assert [i.contract_id for i in campaign.inspections] == [surveys.b.id]
    assert campaign.county_codes == ["100200"]
    with pytest.raises(ValidationError) as refused:
        _create(surveys, region=surveys.regions["a"], county_codes=["100200"])
    assert "county_codes" in refused.value.fields
    with pytest.raises(ValidationError) as refused:
        _create(surveys, service_types=["household_survey"], county_codes=["100100001"])
    assert "county_codes" in refused.value.fields


def test_a_window_without_a_running_contract_is_refused_naming_the_field(db, surveys):
    with pytest.raises(ValidationError) as refused:
        _create(surveys, window_start=date(2027, 6, 1), window_end=date(2027, 6, 21))
    assert set(refused.value.fields) == {"service_types"}
    with pytest.raises(ValidationError) as refused:
        _create(surveys, service_types=["bogus"])
    assert refused.value.fields["service_types"] == ["Unknown service type."]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_the_recurrence_creates_the_next_windows_campaign(db, surveys, fixed_today):
    campaign = _create(surveys)
    db.session.commit()
    assert recurrence.next_window(campaign) == (date(2026, 11, 1), date(2026, 11, 21))
    fixed_today(date(2026, 10, 31))
    assert reminders.campaigns_to_repeat() == []
    fixed_today(date(2026, 11, 1))
    assert reminders.campaigns_to_repeat() == [campaign.id]

    autumn, sent = reminders.repeat_campaign(campaign.id)
    db.session.commit()
    assert (autumn.window_start, autumn.window_end) == (date(2026, 11, 1), date(2026, 11, 21))
    assert autumn.name == "2026年入户调查三周工作法评估 · 2026-11-01"
    assert autumn.previous_id == campaign.id and autumn.recurrence is Recurrence.SURVEY_WINDOWS
    assert autumn.service_types == ["household_survey"] and sent == 2
    assert len(autumn.inspections) == 3
    assert reminders.campaigns_to_repeat() == []
    assert recurrence.create_next_window_campaign(campaign).id == autumn.id  # idempotent

    fixed_today(date(2027, 1, 1))
    surveys.a.end_date = date(2027, 12, 31)  # only this one runs into the next year
    db.session.commit()
    winter, _sent = reminders.repeat_campaign(autumn.id)
    assert (winter.window_start, winter.window_end) == (date(2027, 1, 1), date(2027, 1, 21))
    assert winter.name == "2027年入户调查三周工作法评估 · 2027-01-01"
    assert [i.contract_id for i in winter.inspections] == [surveys.a.id]


def test_a_missed_window_is_skipped_for_the_one_that_has_begun(db, surveys, fixed_today):
    """The scheduler was down from October: on 2027-01-05 it made the campaign of the window
    of 2026-11-01, its evaluations planned in November and all overdue, and reached the open
    January window only on its next run; the yearly campaigns go straight to this year."""
    campaign = _create(surveys)
    for contract in (surveys.a, surveys.a1, surveys.b):
        contract.end_date = date(2027, 12, 31)
    db.session.commit()
    fixed_today(date(2027, 1, 5))
    assert recurrence.successor_due_on(campaign) == date(2027, 1, 1)
    assert reminders.campaigns_to_repeat() == [campaign.id]
    winter, _sent = reminders.repeat_campaign(campaign.id)
    db.session.commit()
    assert (winter.window_start, winter.window_end) == (date(2027, 1, 1), date(2027, 1, 21))
    assert all(i.scheduled_for >= date(2027, 1, 1) for i in winter.inspections)
    assert reminders.campaigns_to_repeat() == []


def test_a_yearly_survey_window_campaign_repeats_in_the_same_window_next_year(db, surveys):
    campaign = _create(surveys, recurrence="yearly")
    surveys.a.end_date = date(2027, 12, 31)
    db.session.commit()
    nxt = recurrence.create_next_year_campaign(campaign, 2027)
    assert (nxt.window_start, nxt.window_end) == (date(2027, 6, 1), date(2027, 6, 21))
    assert [i.contract_id for i in nxt.inspections] == [surveys.a.id]


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def test_officer_creates_one_from_a_survey_window_on_the_page(app, db, surveys):
    browser = _login(app, surveys.officer)
    page = browser.get("/evaluations/campaigns/new").get_data(as_text=True)
    assert "2026-06-01 – 2026-06-21" in page and "2027-01-01 – 2027-01-21" in page
    form = {"name": "三周工作法", "template": str(surveys.template.id), "region_code": "100000",
            "service_types": ["household_survey"], "survey_window": "2026-06-01",
            "inspectors": [str(surveys.insp_a.id), str(surveys.insp_b.id)],
            "assignment": "by_region", "recurrence": "survey_windows"}
    response = browser.post("/evaluations/campaigns/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = db.session.scalar(sa.select(Campaign))
    assert (campaign.window_start, campaign.window_end) == MIDDLE
    detail = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert surveys.b.number in detail and "Each three-week survey window" in detail

    refused = browser.post("/evaluations/campaigns/new", form | {"service_types": []})
    assert refused.status_code == 422
    assert "choose at least one service type" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1


def test_the_api_takes_service_types_and_counties_and_keeps_counties_apart(db, surveys,
                                                                           api_login,
                                                                           make_user):
    body = {"name": "三周工作法", "template_id": surveys.template.id, "region_code": "100000",
            "service_types": ["household_survey"], "county_codes": ["100100"],
            "window_start": "2026-06-01", "window_end": "2026-06-21",
            "inspector_ids": [surveys.insp_a.id], "recurrence": "survey_windows"}
    response = api_login(surveys.officer).post("/api/v1/campaigns", json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["service_types"] == ["household_survey"]
    assert created["county_codes"] == ["100100"] and len(created["inspection_ids"]) == 2
    assert created["recurrence"] == "survey_windows"

    officer_b = api_login(make_user("officer", region="b"))
    assert officer_b.get(f"/api/v1/campaigns/{created['id']}").status_code == 404
    refused = officer_b.post("/api/v1/campaigns", json=body | {"county_codes": []})
    assert refused.status_code == 422 and "region_code" in refused.get_json()["error"]["fields"]
    huge = api_login(surveys.officer).post("/api/v1/campaigns",
                                           json=body | {"inspector_ids": [2**70]})
    assert huge.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1
