"""The last-quarter reminder of the yearly on-site coverage (养老机构管理办法 art. 38).

From 1 October, the officers of each county are told, once a month, which homes of their
county have not been inspected on site this year, and how many days are left. One notice per
county, month and officer (the dedupe key), so a rerun, or a run after a crash, tells nobody
twice; outside the last quarter nothing is sent. Services flush, never commit.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.notifications.kinds import register_kind
from app.notifications.reminders import link, region_name, send
from app.regions.models import Level
from app.users.models import Role, User
from reports.planning.coverage import yearly_coverage

COVERAGE_DUE = register_kind("coverage_due", _l("Homes not yet inspected this year"))
LAST_QUARTER_FROM = 10
#: names listed in one notice; the rest are counted
LISTED = 10


def coverage_reminders(today: date | None = None) -> int:
    """Notify each county's officers of its homes not yet inspected on site this year."""
    today = today or clock.today()
    if today.month < LAST_QUARTER_FROM:
        return 0
    coverage = yearly_coverage(None, today.year, today=today)
    sent = 0
    for entry in coverage.counties:
        if not entry.missing or entry.county.level is not Level.COUNTY:
            continue
        officers = list(db.session.scalars(
            sa.select(User).where(User.role == Role.OFFICER, User.is_enabled.is_(True),
                                  User.region_id == entry.county.id).order_by(User.id)))
        names = [home.name for home, _day in entry.missing]

        def text(user: User, entry=entry, names=names) -> tuple[str, str]:
            listed = "、".join(names[:LISTED]) + ("…" if len(names) > LISTED else "")
            values = dict(n=len(names), county=region_name(entry.county, user),
                          days=coverage.days_left, year=coverage.year, homes=listed)
            return (_("%(n)d home(s) of %(county)s not yet inspected on site in %(year)d",
                      **values),
                    _("%(days)d day(s) are left to inspect on site, at least once this year, "
                      "these homes of %(county)s: %(homes)s.", **values))

        sent += send(officers, COVERAGE_DUE,
                     f"coverage:{today.year}-{today.month:02d}:{entry.county.id}", text,
                     link("reports.coverage", year=today.year,
                          region_code=entry.county.code), entry.county)
    return sent


__all__ = ["COVERAGE_DUE", "coverage_reminders"]
