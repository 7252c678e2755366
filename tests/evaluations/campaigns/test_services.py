"""Campaigns (专项行动): targets by rule, inspectors by region or in turn, progress, yearly."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.errors import Conflict, ValidationError
from evaluations.campaigns import recurrence, services
from evaluations.campaigns.models import Campaign, Recurrence
from evaluations.campaigns.progress import campaign_progress
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import correct_inspection


@pytest.fixture
def city(db, regions, make_user, make_template, make_facility, fixed_today):
    fixed_today(date(2026, 10, 20))
    homes = SimpleNamespace(
        a1_elderly=make_facility("a1", name="甲一养老院"),
        village_rural=make_facility("village", name="甲一社区敬老院", kind="rural_home"),
        a_child=make_facility("a", name="甲区儿童福利院", kind="child_welfare"),
        b1_elderly=make_facility("b1", name="乙一养老院"),
        b1_rural=make_facility("b1", name="乙一敬老院", kind="rural_home"),
    )
    return SimpleNamespace(
        homes=homes, regions=regions, template=make_template("warm_winter"),
        officer=make_user("officer", region="city"),
        officer_a=make_user("officer", region="a"),
        insp_a=make_user("inspector", region="a", name="甲"),
        insp_a1=make_user("inspector", region="a1", name="甲一"),
        insp_b=make_user("inspector", region="b", name="乙"),
        insp_city=make_user("inspector", region="city", name="市"))


def _create(city, **overrides):
    values = dict(name="2026年冬暖工程", template=city.template, region=city.regions["city"],
                  facility_kinds=["elderly_home", "rural_home"],
                  window_start=date(2026, 11, 1), window_end=date(2026, 11, 30),
                  inspectors=[city.insp_a, city.insp_a1, city.insp_b],
                  assignment="by_region", actor=city.officer)
    return services.create_campaign(**(values | overrides))


def _inspections(db, campaign):
    return db.session.scalars(sa.select(Inspection).where(Inspection.campaign_id == campaign.id)
                              .order_by(Inspection.id)).all()


def test_one_inspection_per_home_of_the_kinds_in_the_region(city, db):
    campaign = _create(city, region=city.regions["a"])
    db.session.commit()
    rows = _inspections(db, campaign)
    h = city.homes
    assert {r.facility_id for r in rows} == {h.a1_elderly.id, h.village_rural.id}
    # not the child welfare centre (other kind), nothing of county B (outside the region)
    assert all(r.template_id == city.template.id and r.status is InspectionStatus.SCHEDULED
               for r in rows)


def test_a_home_opening_after_the_window_is_no_target(city, db, make_facility):
    """A home opening on 2027-01-15 got a warm-winter visit planned in November 2026, overdue
    from then on: there was nobody in it to keep warm."""
    later = make_facility("a1", name="甲一新养老院", opened_on=date(2027, 1, 15))
    opening = make_facility("a1", name="甲一康养中心", opened_on=date(2026, 11, 20))
    campaign = _create(city, region=city.regions["a"])
    db.session.commit()
    targets = {r.facility_id for r in _inspections(db, campaign)}
    assert later.id not in targets and opening.id in targets


def test_city_wide_campaign_covers_every_matching_home(city, db):
    campaign = _create(city)
    db.session.commit()
    assert len(_inspections(db, campaign)) == 4
    assert campaign.inspectors == sorted([city.insp_a, city.insp_a1, city.insp_b],
                                         key=lambda u: u.id)


def test_by_region_takes_the_inspector_of_the_deepest_region(city, db):
    campaign = _create(city)
    db.session.commit()
    who = {r.facility_id: r.inspector_id for r in _inspections(db, campaign)}
    h = city.homes
    assert who[h.a1_elderly.id] == city.insp_a1.id      # A1 is deeper than A
    assert who[h.village_rural.id] == city.insp_a1.id   # village lies under A1
    assert who[h.b1_elderly.id] == city.insp_b.id
    assert who[h.b1_rural.id] == city.insp_b.id


def test_a_home_no_inspector_covers_is_named_and_nothing_is_created(city, db):
    with pytest.raises(ValidationError) as error:
        _create(city, inspectors=[city.insp_a])
    assert "乙一养老院" in error.value.message and "乙一敬老院" in error.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 0


def test_round_robin_deals_in_turn_in_a_stable_order(city, db):
    campaign = _create(city, assignment="round_robin", region=city.regions["a"],
                       facility_kinds=["elderly_home", "rural_home", "child_welfare"],
                       inspectors=[city.insp_city, city.insp_a])
    db.session.commit()
    rows = sorted(_inspections(db, campaign), key=lambda r: r.scheduled_for)
    first, second = sorted([city.insp_city, city.insp_a], key=lambda u: u.id)
    assert [r.inspector_id for r in rows] == [first.id, second.id, first.id]


def test_round_robin_skips_an_inspector_outside_the_home(city, db):
    campaign = _create(city, assignment="round_robin", inspectors=[city.insp_a, city.insp_b])
    db.session.commit()
    for row in _inspections(db, campaign):
        inspector = db.session.get(type(city.insp_a), row.inspector_id)
        assert row.region.path.startswith(inspector.region.path)


def test_dates_are_spread_over_the_window(city, db):
    campaign = _create(city)
    db.session.commit()
    days = sorted(r.scheduled_for for r in _inspections(db, campaign))
    assert days[0] == date(2026, 11, 1)
    assert all(date(2026, 11, 1) <= d <= date(2026, 11, 30) for d in days)
    assert len(set(days)) == 4


def test_empty_target_set_is_refused_and_nothing_created(city, db):
    with pytest.raises(ValidationError) as error:
        _create(city, region=city.regions["b"], facility_kinds=["child_welfare"])
    assert "No facility matches" in error.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


@pytest.mark.parametrize("field, values", [
    ("name", {"name": ""}),
    ("facility_kinds", {"facility_kinds": []}),
    ("window_end", {"window_end": date(2026, 10, 1)}),
    ("inspectors", {"inspectors": []}),
    ("assignment", {"assignment": "lottery"}),
])
def test_campaign_validation(city, field, values):
    with pytest.raises(ValidationError) as error:
        _create(city, **values)
    assert field in error.value.fields


def test_a_county_officer_cannot_create_a_city_campaign(city):
    with pytest.raises(ValidationError) as error:
        _create(city, actor=city.officer_a)
    assert "region_code" in error.value.fields


def test_a_contract_template_needs_service_types_not_kinds_of_home(city, make_template):
    with pytest.raises(ValidationError) as error:
        _create(city, template=make_template("survey_service"))
    assert set(error.value.fields) == {"service_types"}


def test_progress_counts_by_county(city, db):
    campaign = _create(city)
    db.session.commit()
    rows = {r.facility_id: r for r in _inspections(db, campaign)}
    h = city.homes
    rows[h.a1_elderly.id].status = InspectionStatus.FINALIZED
    rows[h.village_rural.id].status = InspectionStatus.IN_PROGRESS
    rows[h.b1_elderly.id].status = InspectionStatus.SUBMITTED
    db.session.commit()
    progress = campaign_progress(campaign)
    data = progress.as_dict()
    assert data["totals"] == {"scheduled": 1, "in_progress": 1, "submitted": 1,
                              "finalized": 1, "total": 4}
    by_county = {c["region_code"]: c for c in data["by_county"]}
    assert set(by_county) == {"100100", "100200"}
    assert by_county["100100"]["finalized"] == 1 and by_county["100100"]["in_progress"] == 1
    assert by_county["100200"]["submitted"] == 1 and by_county["100200"]["scheduled"] == 1
    assert progress.percent_done == 50



def test_a_cancelled_visit_counts_neither_as_done_nor_to_do(city, db):
    from evaluations.inspections.assignment import cancel_inspection

    campaign = _create(city)
    db.session.commit()
    rows = {r.facility_id: r for r in _inspections(db, campaign)}
    h = city.homes
    rows[h.a1_elderly.id].status = InspectionStatus.FINALIZED
    db.session.commit()
    cancel_inspection(rows[h.b1_elderly.id], reason="该院已并入甲一福利院", actor=None)
    db.session.commit()
    progress = campaign_progress(campaign)
    assert progress.as_dict()["totals"] == {"scheduled": 2, "in_progress": 0, "submitted": 0,
                                            "finalized": 1, "total": 3}
    assert progress.percent_done == 33


def test_a_corrected_home_is_counted_once(city, db):
    """A correction copies its campaign: the result counts until the correction is final,
    then the correction does; a finished campaign stays at 100 % of its homes."""
    campaign = _create(city)
    db.session.commit()
    rows = _inspections(db, campaign)
    for row in rows:
        row.status = InspectionStatus.FINALIZED
    db.session.commit()
    correction = correct_inspection(rows[0], actor=city.officer, reason="复核")
    db.session.commit()
    progress = campaign_progress(campaign)
    assert (progress.total, progress.percent_done) == (4, 100)
    assert rows[0] in progress.inspections and correction not in progress.inspections
    correction.status = InspectionStatus.FINALIZED
    db.session.commit()
    progress = campaign_progress(campaign)
    assert progress.as_dict()["totals"]["finalized"] == progress.total == 4
    assert correction in progress.inspections and rows[0] not in progress.inspections


def test_visibility(city, make_user, db):
    campaign = _create(city, region=city.regions["a"], inspectors=[city.insp_a1])
    db.session.commit()

    def ids(user):
        return set(db.session.scalars(services.visible_campaigns(user).with_only_columns(
            Campaign.id)))

    assert ids(city.officer) == {campaign.id}
    assert ids(city.officer_a) == {campaign.id}
    assert ids(make_user("officer", region="b")) == set()
    assert ids(city.insp_a1) == {campaign.id}
    assert ids(city.insp_b) == set()
    assert ids(make_user("provider")) == set()


def test_next_year_campaign_is_created_once(city, db):
    campaign = _create(city, recurrence="yearly")
    db.session.commit()
    nxt = recurrence.create_next_year_campaign(campaign, 2027)
    db.session.commit()
    assert nxt.previous_id == campaign.id
    assert nxt.name == "2027年冬暖工程"
    assert (nxt.window_start, nxt.window_end) == (date(2027, 11, 1), date(2027, 11, 30))
    assert nxt.recurrence is Recurrence.YEARLY
    assert len(_inspections(db, nxt)) == 4
    again = recurrence.create_next_year_campaign(campaign, 2027)
    db.session.commit()
    assert again.id == nxt.id
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 8
    assert recurrence.yearly_campaigns_due(date(2027, 1, 5)) == []


def test_only_yearly_campaigns_repeat(city, db):
    campaign = _create(city)
    db.session.commit()
    assert recurrence.yearly_campaigns_due(date(2027, 1, 5)) == []
    with pytest.raises(ValidationError):
        recurrence.create_next_year_campaign(campaign, 2027)


def test_a_second_successor_is_refused_by_the_database(city, db):
    campaign = _create(city, recurrence="yearly")
    db.session.commit()
    assert recurrence.yearly_campaigns_due(date(2027, 1, 5)) == [campaign]
    recurrence.create_next_year_campaign(campaign, 2027)
    db.session.commit()
    twin = Campaign(name="x", template_id=campaign.template_id, region_id=campaign.region_id,
                    facility_kinds=["elderly_home"], window_start=date(2027, 1, 1),
                    window_end=date(2027, 1, 2), previous_id=campaign.id)
    db.session.add(twin)
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()
