"""The city mean of each section, printed beside an inspection's own section scores, kept in the
database as a sum and a count per template version and section.

A mean covers the finalized inspections made with that template version. Reading them all for
each scorecard took 300–500 ms at a city's scale (30,000 inspections of one template, measured),
and a cache per process paid it again in every worker after every finalization. So

- the transaction that finalizes an inspection adds its section scores to the sums (finalized
  is final: a correction is a new inspection, finalized in its turn);
- only current results count (``not_replaced``): the transaction that finalizes a correction
  also takes the scores of the result it replaces out of the sums;
- the nightly job ``reports.refresh_performance`` (and ``flask reports refresh-performance``)
  recomputes every sum from the current inspections, which also repairs what a finalization
  outside the app's session did not add.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import insert
from app.derived import changed, keep_current, recount_lock
from app.extensions import db
from evaluations.inspections.models import Inspection, InspectionStatus, not_replaced
from evaluations.scoring import round_score


class SectionScoreSum(db.Model):
    __tablename__ = "section_score_sums"
    __audited__ = False

    template_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assessment_templates.id", ondelete="CASCADE"), primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("template_sections.id", ondelete="CASCADE"), primary_key=True)
    #: the sum of the section's scores (each stored with one decimal)
    total: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(16, 1))
    #: how many finalized inspections scored the section
    scored: so.Mapped[int]


def city_section_means(template_id: int) -> dict[int, Decimal]:
    """Mean score per section over the finalized inspections made with this template version,
    rounded as scores are."""
    rows = db.session.execute(sa.select(
        SectionScoreSum.section_id, SectionScoreSum.total, SectionScoreSum.scored)
        .where(SectionScoreSum.template_id == template_id, SectionScoreSum.scored > 0))
    return {section_id: round_score(Decimal(total) / scored)
            for section_id, total, scored in rows}


def sums_of(rows: Iterable[tuple[int, list | None]],
            less: Iterable[tuple[int, list | None]] = ()) -> list[dict]:
    """The sums of ``(template id, section scores)`` rows, less those of the ``less`` rows, one
    dict per template and section, in key order (two finalizations at once then lock the rows
    they share in the same order)."""
    sums: dict[tuple[int, int], list] = {}
    for sign, part in ((1, rows), (-1, less)):
        for template_id, scores in part:
            for entry in scores or []:
                if entry.get("score") is None:
                    continue
                key = (template_id, int(entry["section_id"]))
                bucket = sums.setdefault(key, [Decimal(0), 0])
                bucket[0] += sign * Decimal(str(entry["score"]))
                bucket[1] += sign
    return [dict(template_id=t, section_id=s, total=total, scored=count)
            for (t, s), (total, count) in sorted(sums.items())]


def _finalized(*where) -> sa.Select:
    return sa.select(Inspection.template_id, Inspection.section_scores).where(
        Inspection.status == InspectionStatus.FINALIZED, *where)


def add(inspection_ids: Iterable[int]) -> None:
    """Add the scores of these inspections, those of them finalized, to the sums, and take out
    those of the results their corrections among them replace."""
    ids = sorted(inspection_ids)
    replaced = sa.select(Inspection.supersedes_id).where(
        Inspection.id.in_(ids), Inspection.status == InspectionStatus.FINALIZED)
    rows = sums_of(db.session.execute(_finalized(Inspection.id.in_(ids))),
                   less=db.session.execute(_finalized(Inspection.id.in_(replaced))))
    if not rows:
        return
    recount_lock(SectionScoreSum.__tablename__, exclusive=False)
    stmt = insert(SectionScoreSum, db.session.get_bind().dialect.name)
    # two finalizations at once: each adds to the row the other may just have added to
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["template_id", "section_id"],
        set_={"total": SectionScoreSum.total + stmt.excluded.total,
              "scored": SectionScoreSum.scored + stmt.excluded.scored}), rows)


def refresh_all() -> int:
    """Recompute every sum from the current finalized inspections; returns the rows written."""
    # a finalization adding meanwhile waits for the commit (else counted twice, or lost)
    recount_lock(SectionScoreSum.__tablename__, exclusive=True)
    db.session.execute(sa.delete(SectionScoreSum))
    rows = sums_of(db.session.execute(_finalized(not_replaced())
                                      .execution_options(yield_per=2000)))
    if rows:
        db.session.execute(sa.insert(SectionScoreSum), rows)
    return len(rows)


def _just_finalized(session: so.Session) -> set[int]:
    return {obj.id for obj in chain(session.new, session.dirty)
            if isinstance(obj, Inspection) and obj.status is InspectionStatus.FINALIZED
            and changed(obj, "status")}


# the sums are re-read from the database before the commit: a finalization undone since
# (a savepoint rolled back) adds nothing
keep_current("section_score_sums", _just_finalized, add)
