"""Calendar edges of campaigns: a yearly window on the last day of February rolled into a leap
year or out of one, a survey window configured on 29 February, and a home (or contract) that
begins in the middle of the window."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from contracts.households.reminders import survey_windows
from evaluations.campaigns import recurrence, services
from tests.clients import Browser


@pytest.fixture
def world(db, regions, make_user, make_template, make_facility, fixed_today):
    fixed_today(date(2026, 10, 20))
    make_facility("a1", name="甲一养老院")
    make_facility("village", name="甲一社区敬老院", kind="rural_home")
    return SimpleNamespace(regions=regions, template=make_template("warm_winter"),
                           officer=make_user("officer", region="city"),
                           insp_a=make_user("inspector", region="a", name="甲"))


def _create(w, **overrides):
    values = dict(name="冬春安全检查", template=w.template, region=w.regions["a"],
                  facility_kinds=["elderly_home", "rural_home"],
                  window_start=date(2027, 2, 1), window_end=date(2027, 2, 28),
                  inspectors=[w.insp_a], recurrence="yearly", actor=w.officer)
    return services.create_campaign(**(values | overrides))


# ---- 2. yearly windows on the last day of February ------------------------------------------

def test_a_window_ending_with_february_ends_with_february_in_a_leap_year(db, world):
    """1–28 February 2027 is the whole of February: in 2028 it runs to the 29th."""
    campaign = _create(world)
    nxt = recurrence.create_next_year_campaign(campaign, 2028)
    assert (nxt.window_start, nxt.window_end) == (date(2028, 2, 1), date(2028, 2, 29))


def test_a_window_ending_on_29_february_ends_on_the_28th_out_of_a_leap_year(db, world):
    campaign = _create(world, name="2028年冬春安全检查", window_start=date(2028, 2, 1),
                       window_end=date(2028, 2, 29))
    nxt = recurrence.create_next_year_campaign(campaign, 2029)
    assert nxt.name == "2029年冬春安全检查"
    assert (nxt.window_start, nxt.window_end) == (date(2029, 2, 1), date(2029, 2, 28))


def test_a_window_starting_on_29_february_does_not_drift_over_the_years(db, world):
    """29 Feb 2028 → 28 Feb 2029 → 29 Feb 2032, not the 28th for ever after."""
    campaign = _create(world, window_start=date(2028, 2, 29), window_end=date(2028, 3, 20))
    common = recurrence.create_next_year_campaign(campaign, 2029)
    assert (common.window_start, common.window_end) == (date(2029, 2, 28), date(2029, 3, 20))
    assert recurrence.successor_due_on(common) == date(2030, 2, 28)
    leap = recurrence.create_next_year_campaign(common, 2032)
    assert (leap.window_start, leap.window_end) == (date(2032, 2, 29), date(2032, 3, 20))


def test_other_days_keep_their_month_and_day(db, world):
    campaign = _create(world, window_start=date(2027, 2, 27), window_end=date(2027, 3, 1))
    nxt = recurrence.create_next_year_campaign(campaign, 2028)
    assert (nxt.window_start, nxt.window_end) == (date(2028, 2, 27), date(2028, 3, 1))


# ---- 3. a survey window configured on 29 February -------------------------------------------

def test_a_survey_window_on_29_february_does_not_break_the_campaign_page(app, db, world,
                                                                         monkeypatch):
    """Set on 29 February, the window opens on the 28th in a common year (it raised
    ValueError: the campaign page was a 500 every year but one in four)."""
    monkeypatch.setitem(app.config, "SURVEY_WINDOWS", [(1, 1), (2, 29), (11, 1)])
    browser = Browser(app.test_client())
    assert browser.login(world.officer).status_code == 302
    assert browser.get("/evaluations/campaigns/new").status_code == 200
    with app.test_request_context():
        assert [s for s, _ in survey_windows(2027)][1] == date(2027, 2, 28)
        assert [s for s, _ in survey_windows(2028)][1] == date(2028, 2, 29)


# ---- 4. a home or contract that begins during the window -----------------------------------

def test_a_home_opening_during_the_window_is_visited_once_open(db, world, make_facility):
    """Opening on 20 November 2026, it is in the warm-winter round, but not visited before it
    has residents (spread over the window, it fell on the 11th)."""
    opening = make_facility("a1", name="甲一康养中心", opened_on=date(2026, 11, 20))
    campaign = _create(world, window_start=date(2026, 11, 1), window_end=date(2026, 11, 30),
                       recurrence="none")
    days = {i.facility_id: i.scheduled_for for i in campaign.inspections}
    assert len(days) == 3
    assert date(2026, 11, 20) <= days[opening.id] <= date(2026, 11, 30)
    assert min(days.values()) == date(2026, 11, 1)


def test_a_home_opening_on_the_last_day_is_visited_that_day(db, world, make_facility):
    opening = make_facility("a1", name="甲一康养中心", opened_on=date(2026, 11, 30))
    campaign = _create(world, window_start=date(2026, 11, 1), window_end=date(2026, 11, 30),
                       recurrence="none")
    days = {i.facility_id: i.scheduled_for for i in campaign.inspections}
    assert days[opening.id] == date(2026, 11, 30)


@pytest.mark.parametrize(("runs", "visited"), [
    # starting on 15 June: assessed once it runs, not on its spread day before
    ((date(2026, 6, 15), date(2026, 12, 31)), (date(2026, 6, 15), date(2026, 6, 21))),
    # ending on 5 June: spread over 1–21 June it fell on the 11th, counting toward nothing
    ((date(2026, 1, 1), date(2026, 6, 5)), (date(2026, 6, 1), date(2026, 6, 5))),
], ids=["starting", "ending"])
def test_a_contract_running_part_of_the_window_is_assessed_while_it_runs(
        db, world, make_template, make_contract, runs, visited):
    make_contract("a", status="active", title="甲区入户调查")
    partly = make_contract("a", status="active", title="甲区半年入户调查",
                           start_date=runs[0], end_date=runs[1])
    campaign = _create(world, name="入户调查评估", template=make_template("survey_service"),
                       facility_kinds=[], service_types=["household_survey"],
                       window_start=date(2026, 6, 1), window_end=date(2026, 6, 21),
                       recurrence="none")
    days = {i.contract_id: i.scheduled_for for i in campaign.inspections}
    assert len(days) == 2
    assert visited[0] <= days[partly.id] <= visited[1]
