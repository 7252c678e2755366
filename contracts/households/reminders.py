"""Reminders of the three-week household survey windows (三周工作法), sent by the scheduler's
daily job (``contracts.jobs:send_survey_window_reminders``) to the township officers.

Sending once per window: :mod:`app.notifications.reminders`.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _

from app import clock
from app.notifications import kinds
from app.notifications.reminders import link, officers_at, send
from app.regions.models import Level
from app.users.models import User

#: the three-week survey windows: (month, day) of their first day; config ``SURVEY_WINDOWS``
#: overrides
SURVEY_WINDOWS = [(1, 1), (6, 1), (11, 1)]
SURVEY_WINDOW_DAYS = 21


def survey_windows(year: int) -> list[tuple[date, date]]:
    """This year's windows, (first day, last day), from config ``SURVEY_WINDOWS``."""
    windows = current_app.config.get("SURVEY_WINDOWS", SURVEY_WINDOWS)
    # a window set on 29 February opens on the 28th in a common year (not a ValueError)
    return [(start, start + timedelta(days=SURVEY_WINDOW_DAYS - 1))
            for start in sorted(date(year, month, min(day, monthrange(year, month)[1]))
                                for month, day in windows)]


def _window_officers() -> list[User]:
    """The township officers, and the officers of each county where no township has one: a
    township officer elsewhere in the city plans nothing of this county's surveys."""
    townships = officers_at(Level.TOWNSHIP)
    planned = {user.region.parent_id for user in townships}  # a township's county
    return townships + [user for user in officers_at(Level.COUNTY)
                        if user.region_id not in planned]


def survey_window_reminders(today: date | None = None) -> int:
    """On the first day of a window (or a later day of it, if the job missed that day): remind
    the township officers (in a county where no township has one, the county officers), once
    per window."""
    today = today or clock.today()
    # last year's windows too: one begun in late December is still open in January
    current = [(s, e) for s, e in survey_windows(today.year - 1) + survey_windows(today.year)
               if s <= today <= e]
    if not current:
        return 0
    officers = _window_officers()
    sent = 0
    for start, end in current:
        def text(user: User, start: date = start, end: date = end) -> tuple[str, str]:
            values = dict(start=start.isoformat(), end=end.isoformat())
            return (_("Three-week survey window: %(start)s to %(end)s", **values),
                    _("The three-week household survey window is open from %(start)s to "
                      "%(end)s. Plan the visits and record the surveys of your area within "
                      "it.", **values))

        sent += send(officers, kinds.SURVEY_WINDOW, f"survey-window:{start.isoformat()}", text,
                     link("contracts.contracts"))
    return sent
