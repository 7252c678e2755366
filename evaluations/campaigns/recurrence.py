"""Recurring campaigns: next year's copy of a yearly campaign, and the next window's copy of a
survey-window campaign (三周工作法: the three-week windows at the start, middle and end of the
year, ``contracts.households.reminders.survey_windows``).

A copy keeps the name (its year and window moved), region, counties, kinds of home or service
types, assignment, recurrence and the inspectors still active; it takes the current version of
the template's code and today's homes or contracts. It is linked by ``previous_id``; a campaign
has at most one successor (unique ``previous_id``), so asking twice returns the first copy.
The scheduler's job asks for the copies due (``evaluations.reminders``).

Services flush, never commit.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import ValidationError
from app.extensions import db
from app.users.models import Role
from contracts.households.reminders import survey_windows
from evaluations.assessment.services import current_template
from evaluations.campaigns.models import Campaign, Recurrence
from evaluations.campaigns.services import MAX_NAME, check_campaign, create_planned

__all__ = ["create_next_window_campaign", "create_next_year_campaign", "create_successor",
           "next_window", "successor_due_on", "window_campaigns_due", "yearly_campaigns_due"]

_WINDOW_SUFFIX = re.compile(r" · \d{4}-\d{2}-\d{2}$")


def same_day_in(day: date, year: int) -> date:
    """``day``'s month and day in ``year``; the last day of February stays the last day of
    February (28th or 29th), so a window "to the end of February" neither loses the 29th in
    a leap year nor, started on 29 February, stays on the 28th for ever after."""
    if day.month == 2 and day.day == monthrange(day.year, 2)[1]:
        return date(year, 2, monthrange(year, 2)[1])
    return day.replace(year=year)


def _next_name(name: str, old_year: int, year: int) -> str:
    if str(old_year) in name:
        return name.replace(str(old_year), str(year))
    return f"{name} {year}"[:MAX_NAME]


def _existing_successor(campaign: Campaign) -> Campaign | None:
    return db.session.scalar(sa.select(Campaign).where(Campaign.previous_id == campaign.id))


def _copy(campaign: Campaign, *, name: str, start: date, end: date, actor) -> Campaign:
    template = current_template(campaign.template.code) or campaign.template
    inspectors = [i for i in campaign.inspectors if i.role is Role.INSPECTOR and i.is_enabled]
    data = check_campaign(name=name, template=template, region=campaign.region,
                          facility_kinds=campaign.facility_kinds,
                          service_types=campaign.service_types,
                          county_codes=campaign.county_codes, window_start=start,
                          window_end=end, inspectors=inspectors,
                          assignment=campaign.assignment, recurrence=campaign.recurrence,
                          actor=None)
    successor = create_planned(data, actor=actor, previous=campaign)
    if successor.created_by_id is None:
        successor.created_by_id = campaign.created_by_id
        db.session.flush()
    return successor


def create_next_year_campaign(campaign: Campaign, year: int, *, actor=None) -> Campaign:
    """The yearly successor of ``campaign`` in ``year`` (same month and day, the last day of
    February staying the last: :func:`same_day_in`); idempotent."""
    existing = _existing_successor(campaign)
    if existing is not None:
        return existing
    if campaign.recurrence is not Recurrence.YEARLY:
        message = _("Only a yearly campaign is repeated.")
        raise ValidationError(message, {"recurrence": [message]})
    if year <= campaign.window_start.year:
        message = _("The next campaign must be in a later year than %(year)d.",
                    year=campaign.window_start.year)
        raise ValidationError(message, {"year": [message]})
    shift = year - campaign.window_start.year
    return _copy(campaign, name=_next_name(campaign.name, campaign.window_start.year, year),
                 start=same_day_in(campaign.window_start, year),
                 end=same_day_in(campaign.window_end, campaign.window_end.year + shift),
                 actor=actor)


def yearly_campaigns_due(today: date | None = None) -> list[Campaign]:
    """Yearly campaigns of an earlier year without a successor (for the scheduler's job)."""
    today = today or clock.today()
    successors = sa.select(Campaign.previous_id).where(Campaign.previous_id.is_not(None))
    return list(db.session.scalars(
        sa.select(Campaign).where(Campaign.recurrence == Recurrence.YEARLY,
                                  Campaign.window_start < date(today.year, 1, 1),
                                  Campaign.id.not_in(successors))
        .order_by(Campaign.id)))


def next_window(campaign: Campaign, today: date | None = None) -> tuple[date, date]:
    """The survey window of the campaign's successor: of the windows that start after the
    campaign's, the last one begun by ``today``, else the first to come. A window missed
    while the scheduler was down is skipped, as a yearly campaign goes straight to this
    year: its copy came out with every evaluation planned in the past, already overdue."""
    today = today or clock.today()
    year = campaign.window_start.year
    later = [window for y in range(year, max(year, today.year) + 2)
             for window in survey_windows(y) if window[0] > campaign.window_start]
    begun = [window for window in later if window[0] <= today]
    return begun[-1] if begun else later[0]


def create_next_window_campaign(campaign: Campaign, today: date | None = None, *,
                                actor=None) -> Campaign:
    """The survey-window successor of ``campaign``, in its next window (:func:`next_window`);
    idempotent."""
    existing = _existing_successor(campaign)
    if existing is not None:
        return existing
    if campaign.recurrence is not Recurrence.SURVEY_WINDOWS:
        message = _("Only a survey-window campaign moves on to the next window.")
        raise ValidationError(message, {"recurrence": [message]})
    start, end = next_window(campaign, today)
    base = _WINDOW_SUFFIX.sub("", campaign.name)
    if start.year != campaign.window_start.year:
        base = _next_name(base, campaign.window_start.year, start.year)
    suffix = f" · {start.isoformat()}"
    return _copy(campaign, name=base[:MAX_NAME - len(suffix)] + suffix, start=start, end=end,
                 actor=actor)


def window_campaigns_due(today: date | None = None) -> list[Campaign]:
    """Survey-window campaigns without a successor whose next window has begun."""
    today = today or clock.today()
    successors = sa.select(Campaign.previous_id).where(Campaign.previous_id.is_not(None))
    waiting = db.session.scalars(
        sa.select(Campaign).where(Campaign.recurrence == Recurrence.SURVEY_WINDOWS,
                                  Campaign.id.not_in(successors)).order_by(Campaign.id))
    return [c for c in waiting if next_window(c, today)[0] <= today]


def successor_due_on(campaign: Campaign, today: date | None = None) -> date:
    """The day the scheduler creates the campaign's successor."""
    if campaign.recurrence is Recurrence.SURVEY_WINDOWS:
        return next_window(campaign, today)[0]
    return same_day_in(campaign.window_start, campaign.window_start.year + 1)


def create_successor(campaign: Campaign, today: date | None = None, *, actor=None) -> Campaign:
    """The next campaign of a recurring one: the next window's, or this year's."""
    today = today or clock.today()
    if campaign.recurrence is Recurrence.SURVEY_WINDOWS:
        return create_next_window_campaign(campaign, today, actor=actor)
    return create_next_year_campaign(campaign, today.year, actor=actor)
