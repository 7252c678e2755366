"""How long a contract may run: a term's last day, and the check of a start and an end date
(at most three years, the end date being the last day of service, inclusive)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from contracts.common import Errors, add

MAX_YEARS = 3


def term_end(start: date, years: int) -> date:
    """The last day of a term of ``years`` years from ``start``: the day before its
    anniversary, which for 29 February in a common year is 1 March (the term ends on the 28th)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def last_allowed_end(start: date) -> date:
    """The last end date allowed for a contract starting on ``start`` (3 years, inclusive)."""
    return term_end(start, MAX_YEARS)


def check_period(start: date | None, end: date | None, errors: Errors) -> None:
    if start is None or end is None:
        return
    if end <= start:
        add(errors, "end_date", _("The end date must come after the start date."))
    elif end > last_allowed_end(start):
        add(errors, "end_date", _("A contract normally lasts at most one year, and never more "
                                  "than three years (here: until %(day)s at the latest).",
                                  day=last_allowed_end(start).isoformat()))
