"""HTML pages of campaigns: create (all inspections at once), list, progress by county."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from evaluations.campaigns import services
from evaluations.campaigns.models import Campaign
from evaluations.inspections.models import Inspection, InspectionStatus
from tests.clients import Browser


@pytest.fixture
def city(db, regions, make_user, make_template, make_facility, fixed_today):
    from types import SimpleNamespace

    fixed_today(date(2026, 10, 20))
    make_facility("a1", name="甲一养老院")
    make_facility("village", name="甲一社区敬老院", kind="rural_home")
    make_facility("b1", name="乙一养老院")
    return SimpleNamespace(template=make_template("warm_winter"), regions=regions,
                           officer=make_user("officer", region="city"),
                           insp_a=make_user("inspector", region="a", name="甲评估员"),
                           insp_b=make_user("inspector", region="b", name="乙评估员"))


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def _form(city, **overrides):
    data = {"name": "2026年冬暖工程", "template": str(city.template.id), "region_code": "100000",
            "facility_kinds": ["elderly_home", "rural_home"], "window_start": "2026-11-01",
            "window_end": "2026-11-30", "inspectors": [str(city.insp_a.id), str(city.insp_b.id)],
            "assignment": "by_region", "recurrence": "yearly"}
    return data | overrides


def test_officer_creates_a_campaign_with_all_its_inspections(app, city, db):
    browser = _login(app, city.officer)
    assert browser.get("/evaluations/campaigns/new").status_code == 200
    response = browser.post("/evaluations/campaigns/new", _form(city))
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign.name == "2026年冬暖工程"
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id)).where(
        Inspection.campaign_id == campaign.id)) == 3
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "甲一社区敬老院" in page and "A District" in page


def test_the_same_campaign_sent_twice_is_made_once(app, city, db):
    """A form sent twice (or by two officers at once) gave every home two visits."""
    browser = _login(app, city.officer)
    browser.get("/evaluations/campaigns/new")
    assert browser.post("/evaluations/campaigns/new", _form(city)).status_code == 302
    again = browser.post("/evaluations/campaigns/new", _form(city))
    assert again.status_code == 422
    assert "This campaign exists already" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 3
    # another window, or another name, is another campaign
    other = browser.post("/evaluations/campaigns/new", _form(city, name="2026年冬暖工程（复查）"))
    assert other.status_code == 302


def test_no_matching_home_is_a_422_and_nothing_stored(app, city, db):
    browser = _login(app, city.officer)
    browser.get("/evaluations/campaigns/new")
    response = browser.post("/evaluations/campaigns/new",
                            _form(city, facility_kinds=["child_welfare"]))
    assert response.status_code == 422
    assert "No facility matches" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 0


def test_progress_page_counts_by_county(app, city, db):
    campaign = services.create_campaign(
        name="平安工程", template=city.template, region=city.regions["city"],
        facility_kinds=["elderly_home", "rural_home"], window_start=date(2026, 11, 1),
        window_end=date(2026, 11, 30), inspectors=[city.insp_a, city.insp_b],
        actor=city.officer)
    db.session.commit()
    first = campaign.inspections[0]
    first.status = InspectionStatus.FINALIZED
    db.session.commit()
    page = _login(app, city.officer).get(f"/evaluations/campaigns/{campaign.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A District" in html and "B County" in html and "33 %" in html
    for inspection in campaign.inspections:  # every row opens its inspection
        assert f'<a href="/evaluations/inspections/{inspection.id}">' in html
    mine = {i.id for i in campaign.inspections if i.inspector_id == city.insp_a.id}
    html = _login(app, city.insp_a).get(f"/evaluations/campaigns/{campaign.id}").get_data(
        as_text=True)
    for inspection in campaign.inspections:  # an inspector opens only their own
        linked = f'<a href="/evaluations/inspections/{inspection.id}">' in html
        assert linked == (inspection.id in mine)
    assert mine and len(mine) < len(campaign.inspections)


def test_inspectors_see_campaigns_they_are_part_of(app, city, make_user, db):
    campaign = services.create_campaign(
        name="甲区专项", template=city.template, region=city.regions["a"],
        facility_kinds=["elderly_home"], window_start=date(2026, 11, 1),
        window_end=date(2026, 11, 30), inspectors=[city.insp_a], actor=city.officer)
    db.session.commit()
    assert "甲区专项" in _login(app, city.insp_a).get("/evaluations/campaigns").get_data(
        as_text=True)
    other = _login(app, city.insp_b)
    assert "甲区专项" not in other.get("/evaluations/campaigns").get_data(as_text=True)
    assert other.get(f"/evaluations/campaigns/{campaign.id}").status_code == 404
    provider = _login(app, make_user("provider"))
    assert provider.get("/evaluations/campaigns").status_code == 403


def test_inspector_cannot_create(app, city):
    browser = _login(app, city.insp_a)
    assert browser.get("/evaluations/campaigns/new").status_code == 403
