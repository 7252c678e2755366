"""Progress of a campaign: its inspections counted by status, per county and in total.

One visit per target: a corrected result counts until its correction is finalized, then the
correction does (a correction copies its campaign; counted both, a finished campaign fell
back below 100 % and showed a visit more than it has targets)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.regions.models import Level, Region
from evaluations.campaigns.models import Campaign
from evaluations.inspections.models import Inspection, InspectionStatus, not_replaced

__all__ = ["CampaignProgress", "CountyProgress", "campaign_progress"]

#: a visit called off counts neither as done nor as to do
STATUSES = tuple(s for s in InspectionStatus if s is not InspectionStatus.CANCELLED)


@dataclass
class CountyProgress:
    region: Region | None
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts[InspectionStatus.SUBMITTED] + self.counts[InspectionStatus.FINALIZED]


@dataclass
class CampaignProgress:
    counties: list[CountyProgress]
    totals: Counter
    inspections: list[Inspection]

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def percent_done(self) -> int:
        done = self.totals[InspectionStatus.SUBMITTED] + self.totals[InspectionStatus.FINALIZED]
        return round(100 * done / self.total) if self.total else 0

    def as_dict(self) -> dict:
        def counts(counter: Counter) -> dict:
            return {status.value: counter[status] for status in STATUSES}

        return {"totals": counts(self.totals) | {"total": self.total},
                "by_county": [{"region_code": c.region.code if c.region else None,
                               "region_name": c.region.name if c.region else None,
                               "region_name_en": (c.region.name_en or "") if c.region else None,
                               **counts(c.counts), "total": c.total}
                              for c in self.counties]}


def _county_of(region: Region, regions: dict[int, Region]) -> Region | None:
    """The county ancestor of ``region`` (itself if a county); None above county level."""
    for part in region.path.strip("/").split("/"):
        ancestor = regions.get(int(part)) if part else None
        if ancestor is not None and ancestor.level is Level.COUNTY:
            return ancestor
    return None


def _current() -> sa.ColumnElement[bool]:
    """The visit that stands for its target: not replaced by a finalized correction, and
    not a correction still being made."""
    return sa.and_(not_replaced(), sa.or_(Inspection.supersedes_id.is_(None),
                                          Inspection.status == InspectionStatus.FINALIZED))


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    """Counts of its inspections by status, per county and in total, and the inspections
    (one per target, see the module's docstring)."""
    inspections = list(db.session.scalars(
        sa.select(Inspection).where(Inspection.campaign_id == campaign.id, _current(),
                                    Inspection.status != InspectionStatus.CANCELLED)
        .order_by(Inspection.scheduled_for, Inspection.id)))
    ancestor_ids = {int(part) for i in inspections
                    for part in i.region.path.strip("/").split("/") if part}
    regions = {r.id: r for r in db.session.scalars(
        sa.select(Region).where(Region.id.in_(ancestor_ids)))} if ancestor_ids else {}
    by_county: dict[int | None, CountyProgress] = {}
    totals: Counter = Counter()
    for inspection in inspections:
        county = _county_of(inspection.region, regions)
        key = county.id if county is not None else None
        entry = by_county.setdefault(key, CountyProgress(county))
        entry.counts[inspection.status] += 1
        totals[inspection.status] += 1
    counties = sorted(by_county.values(),
                      key=lambda c: (c.region is None, c.region.code if c.region else ""))
    return CampaignProgress(counties=counties, totals=totals, inspections=inspections)
