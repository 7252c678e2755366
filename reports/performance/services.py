"""Contract performance for a period (DESIGN.md §4) and the payment that follows from it.

    composite = weighted mean of the components that have a value, with the contract's weights
    inspection = mean total of the finalized, current inspections of the contract or its home
                 (household surveys: the mean of that and the spot-check agreement rate × 100;
                 the agreement is counted here only, never again inside a template)
    timeliness = % of the reports due in the period first submitted by their deadline
    targets    = min(100, achieved ÷ target × 100), the target pro-rated to the days of the
                 contract that fall in the period, in whole units (half up); household
                 surveys count only the records not found wrong in a finished spot check

A component without data drops out, as a section without applicable items does in scoring;
the composite is None when nothing is known. A period that has not begun has no figures at
all (a chart shows nothing for it rather than 0).

The veto: a failed critical item (一票否决) in any current finalized inspection of the contract
or its home in the period makes the period's grade ``fail`` whatever the composite, and the
grade maps to the share of the last (performance-linked) installment that is paid: by default
100 / 95 / 85 / 0 %. That one installment pays for the contract's whole term, whichever
period a decision is based on: a veto failed anywhere in the term fails a year's or a
quarter's grade too (``failed_critical_in_term``), else deciding on a quarter without the veto
paid in full what the veto withholds.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import clock
from app.errors import ValidationError
from app.extensions import db
from app.money import to_fen
from contracts.households.findings import agreement_rates, records_not_found_wrong
from contracts.models import Contract, ServiceType
from contracts.payments import linked_installment
from contracts.submissions.models import Submission, SubmissionStatus
from contracts.submissions.schedule import Period, all_periods
from contracts.submissions.services import punctuality
from evaluations.assessment.models import AssessmentTemplate, TemplateItem
from evaluations.inspections.models import Inspection, InspectionStatus, not_replaced
from evaluations.scoring import DEFAULT_BANDS, grade_for, round_score

COMPONENTS = ("inspection", "timeliness", "targets")
#: the grade a failed veto item gives the period: the lowest default band
VETO_GRADE = DEFAULT_BANDS[-1].grade
# ASCII digits only: ``\d`` also matches "２０２６", which ``int()`` reads as 2026 and a
# decision would then store as a period no other page names
_YEAR = re.compile(r"^(\d{4})$", re.ASCII)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.ASCII)


@dataclass(frozen=True)
class Window:
    key: str
    start: date
    end: date


@dataclass(frozen=True)
class CountedInspection:
    """A current finalized inspection that went into the inspection component."""

    id: int
    day: date
    total: Decimal | None
    template: str


@dataclass(frozen=True)
class FailedCritical:
    """A veto item that scored 0 in a current finalized inspection of the period."""

    inspection_id: int
    item_id: int
    day: date
    text: str


@dataclass
class Performance:
    contract_id: int
    period: str
    inspection: Decimal | None
    timeliness: Decimal | None
    targets: Decimal | None
    composite: Decimal | None
    grade: str | None
    payment_share: Decimal | None
    #: the performance-linked installment's nominal amount and the amount to pay
    linked_amount: Decimal | None
    payable_amount: Decimal | None
    details: dict = field(default_factory=dict)
    #: veto items failed in the period; any makes ``grade`` fail whatever the composite
    failed_critical: list[FailedCritical] = field(default_factory=list)
    #: veto items failed in the contract's term outside the period: the performance-linked
    #: installment pays for the whole term, so they fail ``grade`` too
    failed_critical_in_term: list[FailedCritical] = field(default_factory=list)
    #: the grade of the composite alone (what the veto overrode, if it did)
    composite_grade: str | None = None
    #: the period starts after today: nothing is measured yet
    not_started: bool = False

    def rounded(self, name: str) -> Decimal | None:
        value = getattr(self, name)
        return None if value is None else round_score(value)

    @property
    def basis(self) -> str:
        """A digest of what a payment decision rests on (the period, the composite and its
        grade, the veto items failed, the share and amounts): the decision page carries it,
        and a decision sent from a page showing other figures is refused."""
        figures = (self.period, self.rounded("composite"), self.grade, self.payment_share,
                   self.linked_amount, self.payable_amount,
                   sorted((f.inspection_id, f.item_id)
                          for f in self.failed_critical + self.failed_critical_in_term))
        return hashlib.sha256(repr(figures).encode()).hexdigest()[:16]


def parse_period(key: str | None, contract: Contract) -> Window:
    """``2026`` (a year) or ``2026-Q3`` (a quarter), clipped to the contract; default: the
    year the contract started."""
    # "2026-q3" as reports take it, kept under the one key every page names
    key = (key or str(contract.start_date.year)).strip().upper()
    try:
        if match := _YEAR.match(key):
            start, end = date(int(match[1]), 1, 1), date(int(match[1]), 12, 31)
        elif match := _QUARTER.match(key):
            year, quarter = int(match[1]), int(match[2])
            start = date(year, 3 * quarter - 2, 1)
            end = date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
        else:
            raise ValueError(key)
    except ValueError:  # not a period, or year 0
        raise ValidationError(_("A period is a year (2026) or a quarter (2026-Q3)."),
                              {"period": [_("Use YYYY or YYYY-Qn.")]}) from None
    start, end = max(start, contract.start_date), min(end, contract.end_date)
    if start > end:
        raise ValidationError(_("The contract does not run in this period."),
                              {"period": [_("Outside the contract's period.")]})
    return Window(key, start, end)


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _periods_in(contract: Contract, window: Window) -> list[Period]:
    return [p for p in all_periods(contract) if window.start <= p.end <= window.end]


def counts_toward(contract: Contract | type[Contract] = Contract) -> sa.ColumnElement[bool]:
    """Whether an inspection (the ``Inspection`` columns) is about ``contract``, so that its
    performance counts it: the contract's own, or its home's of this provider or of no
    operator (once another provider runs the home, what inspectors find there is that
    provider's, not this contract's). ``contract``: one contract, or the ``Contract`` columns
    to find the contracts an inspection counts for (an appeal holds their installments) —
    one rule both ways, so an appeal holds exactly the payments whose figures it may change.
    The day is the caller's: the period's, or the contract's run."""
    own = Inspection.contract_id == contract.id
    if contract is not Contract and contract.facility_id is None:
        return own  # compared with None, the home's test would match every inspection of none
    return sa.or_(own, sa.and_(Inspection.facility_id == contract.facility_id,
                               sa.or_(Inspection.provider_id.is_(None),
                                      Inspection.provider_id == contract.provider_id)))


def counted_inspections(contract: Contract, window: Window) -> list[Inspection]:
    """The current finalized inspections :func:`counts_toward` the contract whose day falls
    in the window, by day: those no finalized correction has replaced (:func:`not_replaced`)."""
    return list(db.session.scalars(
        sa.select(Inspection).where(
            counts_toward(contract), Inspection.status == InspectionStatus.FINALIZED,
            not_replaced(),
            Inspection.scheduled_for.between(window.start, window.end))
        .order_by(Inspection.scheduled_for, Inspection.id)))


def failed_critical_items(inspections: list[Inspection], locale: str = "zh_CN"
                          ) -> list[FailedCritical]:
    """Every veto item that scored 0 in ``inspections``, in their order."""
    ids = {item_id for i in inspections for item_id in i.failed_critical or []}
    texts = {item.id: item.text(locale) for item in db.session.scalars(
        sa.select(TemplateItem).where(TemplateItem.id.in_(ids)))} if ids else {}
    return [FailedCritical(i.id, item_id, i.scheduled_for, texts.get(item_id, ""))
            for i in inspections for item_id in i.failed_critical or []]


def failed_critical_in_term(contract: Contract, window: Window, locale: str = "zh_CN"
                            ) -> list[FailedCritical]:
    """The veto items failed in the contract's term outside ``window``: none when the window
    is the whole term."""
    if (window.start, window.end) == (contract.start_date, contract.end_date):
        return []
    term = Window(window.key, contract.start_date, contract.end_date)
    others = [i for i in counted_inspections(contract, term)
              if not window.start <= i.scheduled_for <= window.end and i.failed_critical]
    return failed_critical_items(others, locale)


def inspection_component(contract: Contract, window: Window, rows: list[Inspection],
                         locale: str) -> tuple[Decimal | None, dict]:
    names = {t.id: t.name(locale) for t in db.session.scalars(
        sa.select(AssessmentTemplate).where(
            AssessmentTemplate.id.in_({i.template_id for i in rows})))} if rows else {}
    counted = [CountedInspection(i.id, i.scheduled_for, i.total, names.get(i.template_id, ""))
               for i in rows]
    totals = [Decimal(i.total) for i in counted if i.total is not None]
    inspections = _mean(totals)
    details = {"inspections": len(totals), "inspection_mean": inspections,
               "counted_inspections": counted}
    if contract.service_type is not ServiceType.HOUSEHOLD_SURVEY:
        return inspections, details
    keys = [p.key for p in _periods_in(contract, window)]
    found = agreement_rates(contract, keys)
    rates = [(key, found[key]) for key in keys if key in found]
    agreement = _mean([r * 100 for _key, r in rates])
    details["agreement_rate"] = agreement
    details["agreement_periods"] = [key for key, _rate in rates]
    return _mean([v for v in (inspections, agreement) if v is not None]), details


def timeliness_component(contract: Contract, window: Window, today: date
                         ) -> tuple[Decimal | None, dict]:
    found = punctuality(contract, _periods_in(contract, window), today)
    return found.percent_on_time, {"reports_due": found.counted,
                                   "reports_on_time": found.on_time,
                                   "reports_excused": found.excused}


def _reported(contract: Contract, window: Window) -> list[dict]:
    keys = [p.key for p in _periods_in(contract, window)]
    return [s.data or {} for s in db.session.scalars(
        sa.select(Submission).where(
            Submission.contract_id == contract.id, Submission.period.in_(keys),
            Submission.status.in_([SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED])))]


def _attainment(achieved: Decimal | None, target: Decimal | None) -> Decimal | None:
    if achieved is None or not target:
        return None
    return min(Decimal(100), achieved / target * 100)


def prorated_target(total: int | Decimal, contract: Contract, window: Window) -> dict:
    """The contract's target pro-rated to the window's days, in whole units (half up)."""
    days = (contract.end_date - contract.start_date).days + 1
    in_window = (window.end - window.start).days + 1
    target = (Decimal(total) * in_window / days).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return {"target": int(target), "contract_target": int(total), "days": in_window,
            "contract_days": days, "prorated": in_window != days}


def targets_component(contract: Contract, window: Window) -> tuple[Decimal | None, dict]:
    targets = contract.targets or {}
    kind = contract.service_type
    if kind is ServiceType.HOUSEHOLD_SURVEY and targets.get("households"):
        rule = prorated_target(targets["households"], contract, window)
        achieved = records_not_found_wrong(contract, window.start, window.end)
        return _attainment(Decimal(achieved), Decimal(rule["target"])), {
            "achieved": achieved, **rule}
    reports = _reported(contract, window)
    if kind is ServiceType.FACILITY_OPERATION and reports:
        residents = _mean([Decimal(sum(int(v or 0) for v in (r.get("occupancy") or {}).values()))
                           for r in reports])
        beds = contract.facility.beds if contract.facility else 0
        if targets.get("occupancy") and beds:
            occupancy = residents / Decimal(beds) * 100
            return _attainment(occupancy, Decimal(targets["occupancy"])), {
                "achieved": round(occupancy, 1), "target": targets["occupancy"]}
        if targets.get("beds"):
            return _attainment(residents, Decimal(targets["beds"])), {
                "achieved": round(residents, 1), "target": targets["beds"]}
    if kind is ServiceType.ENTRUSTED_CARE and reports and targets.get("children"):
        children = _mean([Decimal(int(r.get("children_in_care") or 0)) for r in reports])
        return _attainment(children, Decimal(targets["children"])), {
            "achieved": round(children, 1), "target": targets["children"]}
    return None, {}


def payment_shares() -> dict[str, int]:
    """% of the performance-linked installment per grade (config PAYMENT_SHARES)."""
    return current_app.config["PAYMENT_SHARES"]


def payment_of(contract: Contract, grade: str | None
               ) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The performance-linked installment's amount, the share (%) of it ``grade`` earns, and
    the amount payable."""
    linked = linked_installment(contract)
    linked_amount = linked.amount if linked else None
    share = Decimal(payment_shares()[grade]) if grade else None
    payable = to_fen(linked_amount * share / 100) \
        if linked_amount is not None and share is not None else None
    return linked_amount, share, payable


def _composite(contract: Contract, values: dict[str, Decimal | None]) -> Decimal | None:
    weights = contract.weights or {}
    known = {k: v for k, v in values.items() if v is not None and weights.get(k, 0) > 0}
    if not known:
        return None
    total_weight = sum(Decimal(weights[k]) for k in known)
    return sum(Decimal(weights[k]) * v for k, v in known.items()) / total_weight


def contract_performance(contract: Contract, period: str | None = None,
                         today: date | None = None, locale: str = "zh_CN") -> Performance:
    window = parse_period(period, contract)
    today = today or clock.today()
    linked_amount, _share, _payable = payment_of(contract, None)
    details: dict = {"window": [window.start, window.end]}
    if window.start > today:
        return Performance(contract.id, window.key, None, None, None, None, None, None,
                           linked_amount, None, details | {"inspections": 0, "reports_due": 0,
                                                           "reports_on_time": 0},
                           not_started=True)
    rows = counted_inspections(contract, window)
    inspection, d1 = inspection_component(contract, window, rows, locale)
    timeliness, d2 = timeliness_component(contract, window, today)
    targets, d3 = targets_component(contract, window)
    composite = _composite(contract, {"inspection": inspection, "timeliness": timeliness,
                                      "targets": targets})
    composite_grade = grade_for(composite, DEFAULT_BANDS) if composite is not None else None
    failed = failed_critical_items(rows, locale)
    in_term = failed_critical_in_term(contract, window, locale)
    grade = VETO_GRADE if failed or in_term else composite_grade
    _linked, share, payable = payment_of(contract, grade)
    return Performance(contract.id, window.key, inspection, timeliness, targets, composite,
                       grade, share, linked_amount, payable,
                       details | d1 | d2 | {"targets": d3}, failed, in_term, composite_grade)


def counted_inspection_ids(performance: Performance) -> list[int] | None:
    """The ids of the inspections ``performance`` counted (None where it does not say: a
    period not begun, or a performance read from the kept figures)."""
    counted = performance.details.get("counted_inspections")
    return None if counted is None else [c.id for c in counted]


def quarters_of(contract: Contract) -> list[str]:
    keys, year, quarter = [], contract.start_date.year, (contract.start_date.month - 1) // 3 + 1
    while date(year, 3 * quarter - 2, 1) <= contract.end_date:
        keys.append(f"{year}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return keys


def quarterly_trend(contract: Contract, today: date | None = None,
                    kept: dict[str, Performance] | None = None) -> list[Performance]:
    """The composite per quarter of the contract, for the trend chart, taken from ``kept``
    where it holds the quarter and computed otherwise; quarters that have not begun have no
    composite (the chart leaves them empty)."""
    kept = kept or {}
    return [kept.get(key) or contract_performance(contract, key, today)
            for key in quarters_of(contract)]


def period_choices(contract: Contract) -> list[str]:
    """The years and quarters a contract runs in, for the period selector."""
    years = range(contract.start_date.year, contract.end_date.year + 1)
    return [str(y) for y in years] + quarters_of(contract)
