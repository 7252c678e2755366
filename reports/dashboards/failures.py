"""How often each item was scored short, kept per year and region: the officer dashboard's
"items most often failed" reads these counts instead of aggregating every answer of the year
(730,000 answers a year in a city).

One row per (year, region of the inspection, template code, item key): the answers of the
current finalized inspections of that year and region where the item applied, and how many of
them scored below the maximum (a failed veto item included). A bucket is recomputed in the
transaction that finalizes (or supersedes) an inspection of it, and all of them nightly with
the performance figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import insert
from app.derived import keep_current
from app.extensions import db
from evaluations.assessment.models import AssessmentTemplate, TemplateItem, TemplateSection
from evaluations.inspections.models import Inspection, InspectionAnswer, InspectionStatus


class ItemFailureCount(db.Model):
    __tablename__ = "item_failure_counts"

    year: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    region_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    template_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    item_key: so.Mapped[str] = so.mapped_column(sa.String(60), primary_key=True)
    failed: so.Mapped[int]
    applicable: so.Mapped[int]
    #: the newest version's item (its texts are shown)
    last_item_id: so.Mapped[int]


def _counts(year: int, region_ids: Iterable[int] | None) -> sa.Select:
    """The aggregate of the answers of ``year`` per region, template code and item key."""
    answer = InspectionAnswer
    superseded = sa.select(Inspection.supersedes_id).where(Inspection.supersedes_id.is_not(None))
    inspections = sa.select(Inspection.id, Inspection.region_id).where(
        Inspection.status == InspectionStatus.FINALIZED, Inspection.id.not_in(superseded),
        Inspection.scheduled_for.between(date(year, 1, 1), date(year, 12, 31)))
    if region_ids is not None:
        inspections = inspections.where(Inspection.region_id.in_(list(region_ids)))
    inspections = inspections.subquery()
    applicable = sa.and_(answer.na.is_(False),
                         sa.or_(answer.points.is_not(None), answer.yes.is_not(None)))
    below_max = sa.or_(answer.yes.is_(False),
                       sa.and_(answer.points.is_not(None),
                               answer.points < TemplateItem.max_points))
    return (sa.select(sa.literal(year), inspections.c.region_id, AssessmentTemplate.code,
                      TemplateItem.key, sa.func.sum(sa.case((below_max, 1), else_=0)),
                      sa.func.count(), sa.func.max(TemplateItem.id))
            .select_from(answer)
            .join(inspections, answer.inspection_id == inspections.c.id)
            .join(TemplateItem, answer.item_id == TemplateItem.id)
            .join(TemplateSection, TemplateItem.section_id == TemplateSection.id)
            .join(AssessmentTemplate, TemplateSection.template_id == AssessmentTemplate.id)
            .where(applicable)
            .group_by(inspections.c.region_id, AssessmentTemplate.code, TemplateItem.key))


_COLUMNS = ["year", "region_id", "template_code", "item_key", "failed", "applicable",
            "last_item_id"]


#: the first key of the advisory locks of a region's counts: "CPIF" as a 32-bit integer
LOCK_SPACE = int.from_bytes(b"CPIF", "big")


def refresh(year: int, region_ids: Iterable[int] | None = None) -> None:
    """Recompute the counts of ``year`` in these regions (all regions: None)."""
    dialect = db.session.get_bind().dialect.name
    delete = sa.delete(ItemFailureCount).where(ItemFailureCount.year == year)
    if region_ids is not None:
        region_ids = sorted(region_ids)
        delete = delete.where(ItemFailureCount.region_id.in_(region_ids))
        if dialect == "postgresql":
            # Two finalizations in one region at once: the second waits here for the first
            # to commit, then counts it too. Without the wait, it counted from before the
            # first's commit and overwrote the first's counts (one inspection lost until the
            # night). SQLite lets one transaction write at a time: they never overlap there.
            for region_id in region_ids:
                db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_SPACE,
                                                                           region_id)))
    db.session.execute(delete)
    # INSERT that overwrites: the nightly recount takes no lock, and a finalization committed
    # meanwhile has inserted rows the recount's DELETE did not see
    insert_ = insert(ItemFailureCount, dialect)
    db.session.execute(insert_.from_select(_COLUMNS, _counts(year, region_ids))
                       .on_conflict_do_update(
                           index_elements=_COLUMNS[:4],
                           set_={name: insert_.excluded[name] for name in _COLUMNS[4:]}))


def refresh_all() -> None:
    """Every year that has finalized inspections (the nightly job)."""
    years = {day.year for day in db.session.scalars(
        sa.select(sa.func.min(Inspection.scheduled_for)).union(
            sa.select(sa.func.max(Inspection.scheduled_for)))) if day is not None}
    db.session.execute(sa.delete(ItemFailureCount))
    if years:
        for year in range(min(years), max(years) + 1):
            refresh(year)


# ---- kept current in the transaction that finalizes --------------------------------------

def _stale_years(session: so.Session) -> set[tuple[int, int]]:
    """(year, region) of every inspection finalized, or leaving finalized, in the flush."""
    return {(obj.scheduled_for.year, obj.region_id)
            for obj in chain(session.new, session.dirty, session.deleted)
            if isinstance(obj, Inspection) and obj.scheduled_for is not None and (
                obj.status is InspectionStatus.FINALIZED
                or sa.inspect(obj).attrs.status.history.has_changes())}


def _refresh_marked(marks: set) -> None:
    for year in {year for year, _region in marks}:
        refresh(year, {region for y, region in marks if y == year})


keep_current("item_failure_counts", _stale_years, _refresh_marked)
