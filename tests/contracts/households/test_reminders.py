"""The daily reminders of the three-week household survey windows: on the window days only,
once per window, to the township officers (county officers where no township has one)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.notifications import kinds
from contracts.households import reminders
from tests.factories import notices, on, run_ok

DAY = re.compile(r"\d{4}-\d\d-\d\d")


def run(app, job_id: str):
    return run_ok(app, job_id)


@pytest.fixture
def world(reminder_world):
    return reminder_world


def test_survey_window_reminders_on_the_window_days_only(app, db, world):
    w = world
    job = "contracts.survey_window_reminders"
    on(date(2025, 12, 31))
    run(app, job)
    assert notices(db) == []
    on(date(2026, 1, 1))
    run(app, job)
    on(date(2026, 1, 2))
    run(app, job)
    [notice] = notices(db, w.township)
    # county B has no township officer: its own officer is told (not A's)
    assert [n.user_id for n in notices(db) if n.user_id != w.township.id] == [w.other_county.id]
    assert notice.user_id == w.township.id and notice.kind == kinds.SURVEY_WINDOW
    assert "2026-01-01" in notice.title and "2026-01-21" in notice.title
    on(date(2026, 1, 22))  # three weeks later
    run(app, job)
    on(date(2026, 3, 15))
    run(app, job)
    assert len(notices(db, w.township)) == 1
    on(date(2026, 6, 1))
    run(app, job)
    on(date(2026, 11, 1))
    run(app, job)
    on(date(2027, 1, 1))  # the next year's window is another event
    run(app, job)
    assert [DAY.findall(n.title) for n in notices(db, w.township)] == [
        ["2026-01-01", "2026-01-21"], ["2026-06-01", "2026-06-21"], ["2026-11-01", "2026-11-21"],
        ["2027-01-01", "2027-01-21"]]


def test_survey_window_missed_day_caught_up_within_the_window(app, db, world):
    on(date(2026, 6, 5))
    assert reminders.survey_window_reminders() == 2  # A's township officer, B's officer


def test_survey_windows_go_to_county_officers_without_township_ones(app, db, world,
                                                                    monkeypatch):
    world.township.is_enabled = False
    db.session.commit()
    monkeypatch.setitem(app.config, "SURVEY_WINDOWS", [(3, 15)])
    on(date(2026, 1, 1))  # no longer a window
    assert reminders.survey_window_reminders() == 0
    on(date(2026, 3, 15))
    assert reminders.survey_window_reminders() == 2
    db.session.commit()
    assert sorted(n.user_id for n in notices(db)) == sorted([world.county.id,
                                                             world.other_county.id])


def test_a_window_running_into_the_new_year_is_caught_up_in_january(app, db, world,
                                                                    monkeypatch):
    """A year-end window from 20 December runs to 9 January: the job missing its December
    days (the scheduler down over the holidays) looked for it among January's windows of the
    new year only, and never announced it."""
    monkeypatch.setitem(app.config, "SURVEY_WINDOWS", [(1, 15), (12, 20)])
    on(date(2027, 1, 3))
    assert reminders.survey_window_reminders() == 2  # A's township officer, B's officer
    db.session.commit()
    [notice] = notices(db, world.township)
    assert DAY.findall(notice.title) == ["2026-12-20", "2027-01-09"]


def test_a_county_without_township_officers_is_told_though_another_has_some(app, db, world):
    """County A has an officer in its township A1, county B none in its townships: B's
    officer was told nothing of the window (the county officers were told only when no
    township officer existed anywhere in the city), so B's surveys went unplanned. Each
    county without a township officer has its own officers told."""
    on(date(2026, 1, 1))
    reminders.survey_window_reminders()
    db.session.commit()
    told = {n.user_id for n in notices(db)}
    assert told == {world.township.id, world.other_county.id}
    assert world.county.id not in told  # A's township officer plans A's visits
