"""How often each item was scored short, kept per year and region: the officer dashboard's
"items most often failed" reads these counts instead of aggregating every answer of the year
(730,000 answers a year in a city).

One row per (year, region of the inspection, template code, item key): the answers of the
current finalized inspections of that year and region where the item applied, and how many of
them scored below the maximum (a failed veto item included). An inspection is current from its
finalization until a correction of it is finalized (``not_replaced``: as the payment counts it).

The transaction that finalizes an inspection adds its answers to the counts, and the one that
finalizes a correction also takes the corrected inspection's out: about thirty rows, whatever
the size of the county's year (recounting the bucket took 175 ms at a city's scale, and grew
with it).
Which inspections the counts hold is kept beside them, so that each is added and taken out once
however often flushes mark it. The nightly job recounts everything, which also repairs what a
change outside the app's session left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import insert
from app.derived import changed, keep_current, recount_lock
from app.extensions import db
from evaluations.assessment.models import AssessmentTemplate, TemplateItem, TemplateSection
from evaluations.inspections.models import (
    Inspection,
    InspectionAnswer,
    InspectionStatus,
    not_replaced,
)


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


class ItemFailureCounted(db.Model):
    """An inspection whose answers the counts hold."""
    __tablename__ = "item_failure_counted"
    __audited__ = False

    inspection_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False)


def _current(*where) -> sa.Select:
    """The inspections the counts should hold: finalized and not superseded (a correction
    started takes its original out, before it is itself finalized)."""
    return sa.select(Inspection.id).where(
        Inspection.status == InspectionStatus.FINALIZED, Inspection.scheduled_for.is_not(None),
        not_replaced(), *where)


def _counts(inspection_ids: sa.Select) -> sa.Select:
    """The aggregate of these inspections' answers per year, region, template code and item."""
    answer = InspectionAnswer
    year = sa.extract("year", Inspection.scheduled_for)
    applicable = sa.and_(answer.na.is_(False),
                         sa.or_(answer.points.is_not(None), answer.yes.is_not(None)))
    below_max = sa.or_(answer.yes.is_(False),
                       sa.and_(answer.points.is_not(None),
                               answer.points < TemplateItem.max_points))
    return (sa.select(year, Inspection.region_id, AssessmentTemplate.code, TemplateItem.key,
                      sa.func.sum(sa.case((below_max, 1), else_=0)), sa.func.count(),
                      sa.func.max(TemplateItem.id))
            .select_from(answer)
            .join(Inspection, answer.inspection_id == Inspection.id)
            .join(TemplateItem, answer.item_id == TemplateItem.id)
            .join(TemplateSection, TemplateItem.section_id == TemplateSection.id)
            .join(AssessmentTemplate, TemplateSection.template_id == AssessmentTemplate.id)
            .where(applicable, answer.inspection_id.in_(inspection_ids))
            .group_by(year, Inspection.region_id, AssessmentTemplate.code, TemplateItem.key))


_COLUMNS = ["year", "region_id", "template_code", "item_key", "failed", "applicable",
            "last_item_id"]
_KEY = _COLUMNS[:4]


def refresh_all() -> None:
    """Recount from every current finalized inspection (the nightly job)."""
    # A finalization that commits while the recount reads would be added twice, or lost and
    # still listed as held; it waits here for the recount's commit instead (seconds, at night).
    recount_lock(ItemFailureCount.__tablename__, exclusive=True)
    db.session.execute(sa.delete(ItemFailureCount))
    db.session.execute(sa.delete(ItemFailureCounted))
    current = _current()
    db.session.execute(sa.insert(ItemFailureCount).from_select(_COLUMNS, _counts(current)))
    db.session.execute(sa.insert(ItemFailureCounted).from_select(["inspection_id"], current))


def settle(inspection_ids: Iterable[int]) -> None:
    """Add to the counts those of these inspections that are current and not held yet; take
    out those held that are no longer current."""
    ids = sorted(set(inspection_ids))
    recount_lock(ItemFailureCount.__tablename__, exclusive=False)
    current = set(db.session.scalars(_current(Inspection.id.in_(ids))))
    dialect = db.session.get_bind().dialect.name
    # each statement says which rows it changed: of two transactions settling one inspection
    # at once, only the one whose row it is adds or takes out
    added = set(db.session.scalars(
        insert(ItemFailureCounted, dialect).values([{"inspection_id": i} for i in sorted(current)])
        .on_conflict_do_nothing().returning(ItemFailureCounted.inspection_id))) if current else set()
    removed = set(db.session.scalars(
        sa.delete(ItemFailureCounted).where(ItemFailureCounted.inspection_id.in_(
            [i for i in ids if i not in current])).returning(ItemFailureCounted.inspection_id)))
    _apply(_deltas(added, +1) + _deltas(removed, -1), dialect)


def _deltas(inspection_ids: set[int], sign: int) -> list[dict]:
    if not inspection_ids:
        return []
    rows = db.session.execute(_counts(sa.select(Inspection.id).where(
        Inspection.id.in_(sorted(inspection_ids)))))
    return [dict(zip(_COLUMNS, (int(year), region, code, key, sign * failed,
                                sign * applicable, item_id), strict=True))
            for year, region, code, key, failed, applicable, item_id in rows]


def _apply(deltas: list[dict], dialect: str) -> None:
    if not deltas:
        return
    summed: dict[tuple, dict] = {}
    for delta in deltas:
        row = summed.setdefault(tuple(delta[k] for k in _KEY), delta | {"failed": 0,
                                                                      "applicable": 0})
        row["failed"] += delta["failed"]
        row["applicable"] += delta["applicable"]
        row["last_item_id"] = max(row["last_item_id"], delta["last_item_id"])
    stmt = insert(ItemFailureCount, dialect)
    kept = ItemFailureCount
    # in key order: two transactions adding to rows they share lock them in the same order
    db.session.execute(stmt.on_conflict_do_update(index_elements=_KEY, set_={
        "failed": kept.failed + stmt.excluded.failed,
        "applicable": kept.applicable + stmt.excluded.applicable,
        "last_item_id": sa.case((stmt.excluded.last_item_id > kept.last_item_id,
                                 stmt.excluded.last_item_id), else_=kept.last_item_id),
    }), [summed[key] for key in sorted(summed)])
    # a bucket left with nothing is gone, as the recount would leave it
    emptied = [key for key, row in summed.items() if row["applicable"] < 0]
    if emptied:
        db.session.execute(sa.delete(ItemFailureCount).where(kept.applicable <= 0, sa.or_(*(
            sa.and_(*(getattr(kept, k) == v for k, v in zip(_KEY, key, strict=True)))
            for key in emptied))))


# ---- kept current in the transaction that finalizes --------------------------------------

def _touched(session: so.Session) -> set[int]:
    """Inspections a flush may have made current or no longer current: finalized, or leaving
    finalized; and the original of a correction started, finalized or dropped."""
    marks = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if not isinstance(obj, Inspection):
            continue
        status_changed = changed(obj, "status")
        if obj.supersedes_id is not None and (status_changed or obj in session.new
                                              or obj in session.deleted):
            marks.add(obj.supersedes_id)
        if obj.id is not None and (obj.status is InspectionStatus.FINALIZED or status_changed):
            marks.add(obj.id)
    return marks


keep_current("item_failure_counts", _touched, settle)
