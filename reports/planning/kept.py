"""The inspections that can tell in the plan's risk rule, kept per target: the plan reads these
few rows instead of ranking every target's whole history on each request.

Of a target's history (one home, or one contract inspected without a home: grouped by
``HISTORY_GROUP``, newest first) only a few inspections can change its risk: of each group the
newest and the two newest scored, every open inspection and every finalized one with a failed
veto item. A city holds 7,000 of its 61,000; the city officer's plan read 14,500 of them through
one window pass of the index on every request (a third of the page's time) and now reads its
1,900 from here. Only current results count (``not_replaced``); the look-back, which moves
with the day, is applied when the plan reads.

The transaction that adds, changes or removes an inspection recomputes its target's rows
before it commits (``app.derived``); the nightly job recomputes them all, which also repairs
what a change outside the app's session left out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.derived import keep_current, recount_lock, refresh_lock, touched
from app.extensions import db
from evaluations.inspections.models import (
    HISTORY_GROUP,
    HISTORY_ORDER,
    TO_COME,
    Inspection,
    InspectionStatus,
    not_replaced,
)

Target = tuple[str, int]


class PlanInspection(db.Model):
    """A current inspection that can tell in its target's risk, as the plan reads it."""

    __tablename__ = "plan_inspections"
    __audited__ = False
    __table_args__ = (sa.Index("ix_plan_inspections_target", "facility_id", "contract_id"),)

    inspection_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False)
    facility_id: so.Mapped[int | None]
    contract_id: so.Mapped[int | None]
    template_id: so.Mapped[int]
    open: so.Mapped[bool]
    finalized: so.Mapped[bool]
    scheduled_for: so.Mapped[date]
    total: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 1))
    grade: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    failed_vetoes: so.Mapped[int]
    #: open, or among the newest of its group: it tells whatever the day
    always: so.Mapped[bool]


_COLUMNS = ["inspection_id", "facility_id", "contract_id", "template_id", "open", "finalized",
            "scheduled_for", "total", "grade", "failed_vetoes", "always"]


def telling(*where: sa.ColumnElement[bool]) -> sa.Select:
    """The rows to keep of the inspections ``where`` selects, whole groups at a time, in the
    order of :data:`_COLUMNS`."""
    finalized = Inspection.status == InspectionStatus.FINALIZED
    # of a result only: one sent back holds a JSON null, whose length PostgreSQL refuses
    vetoes = sa.case((finalized, sa.func.coalesce(
        sa.func.json_array_length(Inspection.failed_critical), 0)), else_=0)
    current = (
        sa.select(Inspection.id, Inspection.facility_id, Inspection.contract_id,
                  Inspection.template_id, TO_COME.label("open"), finalized.label("finalized"),
                  Inspection.scheduled_for, Inspection.total, Inspection.grade,
                  vetoes.label("failed_vetoes"),
                  sa.func.row_number().over(partition_by=HISTORY_GROUP,
                                            order_by=HISTORY_ORDER).label("nth"),
                  # the scored ones counted in the same pass: the trend reads two of them
                  sa.func.sum(sa.case((Inspection.total.is_not(None), 1), else_=0)).over(
                      partition_by=HISTORY_GROUP, order_by=HISTORY_ORDER).label("nth_scored"))
        # a visit called off was never made: no last visit, nothing to come
        .where(not_replaced(), Inspection.status != InspectionStatus.CANCELLED, *where)
        .subquery())
    c = current.c
    always = sa.or_(c.open, c.nth == 1, sa.and_(c.total.is_not(None), c.nth_scored <= 2))
    return (sa.select(c.id, c.facility_id, c.contract_id, c.template_id, c.open, c.finalized,
                      c.scheduled_for, c.total, c.grade, c.failed_vetoes, always)
            .where(sa.or_(always, sa.and_(c.finalized, c.failed_vetoes > 0))))


def kept_rows(facility_ids: sa.Select, contract_ids: sa.Select, since: date) -> sa.Select:
    """The kept rows of these homes and contracts (selects of their ids) that tell on a day
    whose look-back starts ``since``, in the columns :func:`telling` selects but ``always``."""
    k = PlanInspection
    return (sa.select(*(getattr(k, name) for name in _COLUMNS[:-1]))
            .where(_of(k, facility_ids, contract_ids),
                   sa.or_(k.always, sa.and_(k.finalized, k.failed_vetoes > 0,
                                             k.scheduled_for >= since))))


def _of(model: type, homes, contracts) -> sa.ColumnElement[bool]:
    """The rows of ``model`` (inspections or kept rows) of these homes and of these contracts
    inspected without a home (lists or selects of ids): two lists however many there are (a
    campaign schedules hundreds of homes in one transaction)."""
    return sa.or_(model.facility_id.in_(homes),
                  sa.and_(model.facility_id.is_(None), model.contract_id.in_(contracts)))


def refresh(targets: set[Target]) -> None:
    """Recompute the kept rows of these targets from their inspections."""
    recount_lock(PlanInspection.__tablename__, exclusive=False)
    ordered = sorted(targets)
    refresh_lock(PlanInspection.__tablename__, [f"{kind}:{ident}" for kind, ident in ordered])
    # all deleted before any is inserted: an inspection moved between two of them is kept
    # under the one it left until then
    homes = [ident for kind, ident in ordered if kind == "facility"]
    contracts = [ident for kind, ident in ordered if kind == "contract"]
    db.session.execute(sa.delete(PlanInspection).where(_of(PlanInspection, homes, contracts)))
    db.session.execute(sa.insert(PlanInspection).from_select(
        _COLUMNS, telling(_of(Inspection, homes, contracts))))


def refresh_all() -> int:
    """Recompute every kept row (the nightly job); returns how many there are."""
    recount_lock(PlanInspection.__tablename__, exclusive=True)
    db.session.execute(sa.delete(PlanInspection))
    db.session.execute(sa.insert(PlanInspection).from_select(_COLUMNS, telling()))
    return db.session.scalar(sa.select(sa.func.count()).select_from(PlanInspection))


# ---- kept current in the transaction that changes an inspection ---------------------------

#: what the rows are computed from
_TELLING = ("status", "scheduled_for", "total", "grade", "failed_critical", "facility_id",
            "contract_id", "template_id", "supersedes_id")


def target_of(facility_id: int | None, contract_id: int | None) -> Target | None:
    """Whose history a row belongs to: its home if any, else its contract."""
    if facility_id is not None:
        return ("facility", facility_id)
    return ("contract", contract_id) if contract_id is not None else None


def _before(state, name: str):
    history = state.attrs[name].history
    return history.deleted[0] if history.deleted else getattr(state.object, name)


def _stale_targets(session: so.Session) -> set[Target]:
    """The targets whose inspections a flush added, removed or changed in what the rows are
    computed from; an inspection moved to another target marks both."""
    marks = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if not isinstance(obj, Inspection):
            continue
        if not touched(session, obj, *_TELLING):
            continue
        state = sa.inspect(obj)
        marks.add(target_of(obj.facility_id, obj.contract_id))
        marks.add(target_of(_before(state, "facility_id"), _before(state, "contract_id")))
    marks.discard(None)
    return marks


keep_current(PlanInspection.__tablename__, _stale_targets, refresh)

__all__ = ["PlanInspection", "kept_rows", "refresh", "refresh_all", "target_of",
           "telling"]
