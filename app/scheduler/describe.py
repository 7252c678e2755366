"""A job's trigger in words ("every day at 07:05"), for the scheduler page: an administrator
of the bureau reads schedules, not APScheduler's arguments. The scheduler runs in the bureau's
time zone, so times are the bureau's wall-clock times."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _weekday(code: Any) -> str | None:
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
             _("Saturday"), _("Sunday")]
    index = _WEEKDAYS.get(str(code).lower())
    return names[index] if index is not None else None


def _cron(trigger: dict[str, Any]) -> str | None:
    fields = set(trigger) - {"trigger", "timezone", "jitter"}
    if not fields <= {"hour", "minute", "day_of_week", "day", "month"}:
        return None
    try:
        at = f"{int(trigger.get('hour', 0)):02d}:{int(trigger.get('minute', 0)):02d}"
    except (TypeError, ValueError):
        return None
    if "month" in trigger and "day" in trigger:
        return _("Every year on %(month)s-%(day)s at %(time)s", month=f"{int(trigger['month']):02d}",
                 day=f"{int(trigger['day']):02d}", time=at)
    if "month" in trigger:
        return None
    if "day" in trigger:
        return _("On day %(day)s of each month at %(time)s", day=trigger["day"], time=at)
    if "day_of_week" in trigger:
        day = _weekday(trigger["day_of_week"])
        return _("Every %(weekday)s at %(time)s", weekday=day, time=at) if day else None
    return _("Every day at %(time)s", time=at)


def _interval(trigger: dict[str, Any]) -> str | None:
    units = {"weeks": lambda n: ngettext("every week", "every %(num)d weeks", n),
             "days": lambda n: ngettext("every day", "every %(num)d days", n),
             "hours": lambda n: ngettext("every hour", "every %(num)d hours", n),
             "minutes": lambda n: ngettext("every minute", "every %(num)d minutes", n),
             "seconds": lambda n: ngettext("every second", "every %(num)d seconds", n)}
    given = [(unit, trigger[unit]) for unit in units if trigger.get(unit)]
    if len(given) != 1:
        return None
    unit, count = given[0]
    text = units[unit](int(count))
    return text[:1].upper() + text[1:]


def describe_trigger(trigger: dict[str, Any]) -> str | None:
    """The trigger in words, or None when it is too unusual to say shortly (then the page shows
    its arguments)."""
    kind = trigger.get("trigger")
    if kind == "cron":
        return _cron(trigger)
    if kind == "interval":
        return _interval(trigger)
    if kind == "date" and trigger.get("run_date"):
        return _("Once, at %(when)s", when=trigger["run_date"])
    return None
