"""Contract performance kept in the database: one row per contract and period (each year and
each quarter it runs in), so that the dashboards read figures instead of computing them.

The rows hold exactly what :func:`reports.performance.services.contract_performance` gives
for that period on the day they were computed (``computed_on``). They are refreshed

- in the transaction that changes what they depend on: an inspection finalized (or
  superseded), a report's status changed (submitted, reviewed), a payment decision recorded,
  a household import or spot check stored, a spot check's result recorded (the last
  finishes the check, and the agreement counts finished checks), a contract's terms or
  status changed, its home's beds changed (occupancy is reckoned on them) — the session
  notes the contracts at each flush and recomputes them just before the commit, so a figure
  never disagrees with the data it was committed with;
- every night by the scheduler job ``reports.refresh_performance`` (timeliness and what has
  begun depend on the day), and on demand with ``flask reports refresh-performance``.

Active, suspended, completed and terminated contracts are ranked and drawn (a terminated one
for the periods begun by its termination), so only they have rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import clock
from app.db import insert
from app.derived import keep_current, refresh_lock, touched
from app.errors import ValidationError
from app.extensions import db
from contracts.households.models import HouseholdImport, SpotCheck, SpotCheckItem
from contracts.models import Contract, ContractStatus, Facility
from contracts.submissions.models import Submission
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.performance.models import PaymentDecision
from reports.performance.services import (
    Performance,
    contract_performance,
    parse_period,
    payment_of,
    period_choices,
    quarterly_trend,
)

#: contracts with figures (the ranking and the trends show no others): every contract that
#: ran, all but drafts. A terminated one left out ranked a provider the bureau had dismissed
#: for failing as if that contract had never been; a suspended one, as if the bureau had not
#: had to stop it. Its timeliness leaves out the reports it was not asked for while suspended
#: (schedule.suspended_on).
MEASURED = tuple(status for status in ContractStatus if status is not ContractStatus.DRAFT)
#: contract columns the figures depend on
_TERMS = ("status", "weights", "targets", "start_date", "end_date", "facility_id", "reporting",
          "report_due_days", "suspensions")
SCORE = sa.Numeric(12, 6)
_PLACES = Decimal("0.000001")


class PerformanceFigure(db.Model):
    __tablename__ = "performance_figures"
    __table_args__ = (
        # the dashboards read one period for many contracts
        sa.Index("ix_performance_figures_period", "period", "contract_id"),
    )

    contract_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True)
    #: "2026" or "2026-Q3"
    period: so.Mapped[str] = so.mapped_column(sa.String(7), primary_key=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    inspection: so.Mapped[Decimal | None] = so.mapped_column(SCORE)
    timeliness: so.Mapped[Decimal | None] = so.mapped_column(SCORE)
    targets: so.Mapped[Decimal | None] = so.mapped_column(SCORE)
    composite: so.Mapped[Decimal | None] = so.mapped_column(SCORE)
    grade: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    not_started: so.Mapped[bool] = so.mapped_column(default=False)
    computed_on: so.Mapped[date]


def _places(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(_PLACES)


def _upsert():
    """INSERT that overwrites: two transactions refreshing one contract at once (both deleted
    its rows, the first committed its new ones) must not collide on the primary key."""
    stmt = insert(PerformanceFigure, db.session.get_bind().dialect.name)
    return stmt.on_conflict_do_update(
        index_elements=["contract_id", "period"],
        set_={c.name: stmt.excluded[c.name] for c in PerformanceFigure.__table__.columns
              if c.name not in ("contract_id", "period")})


def refresh(contract_ids: Iterable[int], today: date | None = None) -> int:
    """Recompute the figures of these contracts as of ``today``; returns the rows written."""
    ids = sorted(set(contract_ids))
    if not ids:
        return 0
    today = today or clock.today()
    written = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(sa.delete(PerformanceFigure).where(
            PerformanceFigure.contract_id.in_(chunk)))
        contracts = db.session.scalars(sa.select(Contract).where(
            Contract.id.in_(chunk), Contract.status.in_(MEASURED))
            .options(so.selectinload(Contract.installments)))
        rows = []
        for contract in contracts:
            for key in period_choices(contract):
                if _after_termination(contract, key):
                    continue
                try:
                    p = contract_performance(contract, key, today)
                except ValidationError:  # the contract does not run in that period
                    continue
                rows.append(dict(
                    contract_id=contract.id, period=key, provider_id=contract.provider_id,
                    inspection=_places(p.inspection), timeliness=_places(p.timeliness),
                    targets=_places(p.targets), composite=_places(p.composite),
                    grade=p.grade, not_started=p.not_started, computed_on=today))
        if rows:
            db.session.execute(_upsert(), rows)
        written += len(rows)
    return written


def _after_termination(contract: Contract, key: str) -> bool:
    """A period begun after the contract was terminated: it never ran then (measured, its
    targets would be unmet for days without service, a 0 in the ranking of a later year)."""
    return (contract.terminated_on is not None
            and parse_period(key, contract).start > contract.terminated_on)


def refresh_all(today: date | None = None) -> int:
    """Recompute every measured contract (the nightly job)."""
    ids = db.session.scalars(sa.select(Contract.id).where(Contract.status.in_(MEASURED)))
    db.session.execute(sa.delete(PerformanceFigure).where(
        PerformanceFigure.contract_id.not_in(sa.select(Contract.id).where(
            Contract.status.in_(MEASURED)))))
    return refresh(list(ids), today)


def kept_performance(contracts: sa.Select, period: str, today: date) -> dict[int, Performance]:
    """The figures of ``period`` kept for the contracts of ``contracts`` (a select of them) and
    computed ``today``, by contract id, as :class:`Performance` without its details: what
    :func:`contract_performance` gives today, a figure being recomputed in the transaction that
    changes its data. A contract without one (a draft, terminated before the period, not yet
    refreshed today) is missing."""
    rows = db.session.execute(
        sa.select(PerformanceFigure, Contract)
        .join(Contract, Contract.id == PerformanceFigure.contract_id)
        .where(PerformanceFigure.period == period, PerformanceFigure.computed_on == today,
               PerformanceFigure.contract_id.in_(contracts.with_only_columns(Contract.id)
                                                 .order_by(None)))
        .options(so.selectinload(Contract.installments)))
    return {contract.id: _as_performance(figure, contract) for figure, contract in rows}


def kept_trend(contract: Contract, today: date) -> list[Performance]:
    """:func:`reports.performance.services.quarterly_trend`, each quarter read from the
    figure kept today where there is one (computing each quarter took two thirds of the
    performance page's 50 statements)."""
    kept = {figure.period: _as_performance(figure, contract) for figure in db.session.scalars(
        sa.select(PerformanceFigure).where(PerformanceFigure.contract_id == contract.id,
                                           PerformanceFigure.computed_on == today))}
    return quarterly_trend(contract, today, kept)


def _as_performance(figure: PerformanceFigure, contract: Contract) -> Performance:
    """A kept figure as the :class:`Performance` it was computed as, without its details."""
    linked, share, payable = payment_of(contract, figure.grade)
    return Performance(contract.id, figure.period, figure.inspection, figure.timeliness,
                       figure.targets, figure.composite, figure.grade, share, linked, payable,
                       not_started=figure.not_started)


# ---- kept current in the transaction that changes the data --------------------------------

def _counted_result(session: so.Session, inspection: Inspection) -> bool:
    """Whether this flush changed a result the figures count: a finalized one added, deleted
    or changed in its columns, or one that stopped being finalized. A correction being started
    or filled in is not counted (the result it corrects stands until it is finalized), nor is
    the finalized original it points to (its columns are unchanged)."""
    state = sa.inspect(inspection)
    if InspectionStatus.FINALIZED in state.attrs.status.history.deleted:
        return True
    if inspection.status is not InspectionStatus.FINALIZED:
        return False
    return (inspection in session.new or inspection in session.deleted
            or session.is_modified(inspection, include_collections=False))


def _stale_marks(session: so.Session) -> set[tuple[str, int]]:
    marks = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Inspection):
            if _counted_result(session, obj):
                if obj.contract_id is not None:
                    marks.add(("contract", obj.contract_id))
                if obj.facility_id is not None:
                    marks.add(("facility", obj.facility_id))
        elif isinstance(obj, Submission):
            if touched(session, obj, "status"):
                marks.add(("contract", obj.contract_id))
        elif isinstance(obj, PaymentDecision | HouseholdImport | SpotCheck):
            marks.add(("contract", obj.contract_id))
        elif isinstance(obj, SpotCheckItem) and touched(session, obj, "result"):
            marks.add(("contract", obj.spot_check.contract_id))
        elif isinstance(obj, Contract) and touched(session, obj, *_TERMS):
            marks.add(("contract", obj.id))
        elif isinstance(obj, Facility) and touched(session, obj, "beds"):
            marks.add(("facility", obj.id))
    return marks


def hold_performance(contract_ids: Iterable[int]) -> None:
    """Until the commit: the only transaction changing or deciding on the performance of
    ``contract_ids``. A payment decision holds its contract's while it reads the figures and
    records what they give; a change to the figures' sources holds it as it refreshes them,
    just before its commit. So a decision is made on the figures before the change or after
    it, never on the ones a committing change is replacing (a veto failed as the decision was
    being recorded)."""
    refresh_lock("performance", [str(ident) for ident in sorted(contract_ids)])


def _refresh_marked(marks: set) -> None:
    ids = {ident for kind, ident in marks if kind == "contract" and ident is not None}
    homes = [ident for kind, ident in marks if kind == "facility"]
    if homes:
        ids.update(db.session.scalars(sa.select(Contract.id).where(
            Contract.facility_id.in_(homes))))
    hold_performance(ids)
    refresh(ids)


keep_current("performance_figures", _stale_marks, _refresh_marked)
