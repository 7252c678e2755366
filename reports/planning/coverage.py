"""Yearly on-site coverage of the elderly homes (养老机构管理办法 art. 38: the civil-affairs
department inspects every home on site at least once a year).

A home counts in a year when it opened by the year's end (or its opening day is not known); it
is covered in the year when an inspection of it was carried out (submitted or finalized)
on a day of that year. The homes not yet covered are listed by county, with the inspection
already scheduled for them, if any, and the days left in the year. Three statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import region_subtree, visibility_clause
from app.users.models import User
from contracts.models import Facility, FacilityKind
from evaluations.inspections.models import Inspection
from reports.planning.services import ONSITE, OPEN, PLANNERS

#: the homes art. 38 is about (the child welfare centres answer to other rules)
ELDERLY_HOMES = (FacilityKind.ELDERLY_HOME, FacilityKind.RURAL_HOME)


@dataclass
class CountyCoverage:
    county: Region
    homes: int = 0
    inspected: int = 0
    #: (home, the day an inspection is scheduled for it this year, if any)
    missing: list[tuple[Facility, date | None]] = field(default_factory=list)


@dataclass
class Coverage:
    year: int
    days_left: int
    counties: list[CountyCoverage]

    @property
    def missing(self) -> int:
        return sum(len(c.missing) for c in self.counties)

    @property
    def homes(self) -> int:
        return sum(c.homes for c in self.counties)


def days_left_in(year: int, today: date) -> int:
    """Days from ``today`` to the end of ``year`` (today included); 0 once it is over."""
    if today.year > year:
        return 0
    start = max(today, date(year, 1, 1))
    return (date(year, 12, 31) - start).days + 1


def _county_of(region: Region, counties: list[Region]) -> Region:
    """The county above (or at) ``region``; a home placed on the city itself stands alone."""
    for county in counties:
        if region.path.startswith(county.path):
            return county
    return region


def yearly_coverage(user: User | None, year: int, *, region: Region | None = None,
                    today: date | None = None) -> Coverage:
    """The on-site coverage of ``year`` over the homes ``user`` sees (in ``region``); no user:
    every home (the scheduler's view)."""
    today = today or clock.today()
    if user is not None and user.role not in PLANNERS:
        return Coverage(year, days_left_in(year, today), [])
    seen = sa.true() if user is None else visibility_clause(user, region=Facility.region_id)
    # a home opened after the year was not there to inspect in it (no opening day: counted)
    opened = sa.or_(Facility.opened_on.is_(None), Facility.opened_on <= date(year, 12, 31))
    stmt = (sa.select(Facility).join(Region, Facility.region_id == Region.id)
            .where(Facility.kind.in_(ELDERLY_HOMES), seen, opened)
            .order_by(Region.path, Facility.name, Facility.id))
    if region is not None:
        stmt = stmt.where(Facility.region_id.in_(region_subtree(region)))
    homes = list(db.session.scalars(stmt))
    in_year = Inspection.scheduled_for.between(date(year, 1, 1), date(year, 12, 31))
    rows = db.session.execute(
        sa.select(Inspection.facility_id, Inspection.status, sa.func.min(Inspection.scheduled_for))
        # a correction is no visit: dated by its original, which is on site already
        .where(in_year, Inspection.facility_id.in_([h.id for h in homes]),
               Inspection.status.in_(ONSITE + OPEN), Inspection.supersedes_id.is_(None))
        .group_by(Inspection.facility_id, Inspection.status)).all()
    inspected = {fid for fid, status, _day in rows if status in ONSITE}
    planned: dict[int, date] = {}
    for fid, status, day in rows:
        if status in OPEN and (fid not in planned or day < planned[fid]):
            planned[fid] = day
    counties = list(db.session.scalars(sa.select(Region).where(Region.level == Level.COUNTY)
                                       .order_by(Region.code)))
    by_county: dict[int, CountyCoverage] = {}
    for home in homes:
        county = _county_of(home.region, counties)
        entry = by_county.setdefault(county.id, CountyCoverage(county))
        entry.homes += 1
        if home.id in inspected:
            entry.inspected += 1
        else:
            entry.missing.append((home, planned.get(home.id)))
    ordered = sorted(by_county.values(), key=lambda c: c.county.code)
    return Coverage(year, days_left_in(year, today), ordered)


__all__ = ["ELDERLY_HOMES", "Coverage", "CountyCoverage", "days_left_in", "yearly_coverage"]
