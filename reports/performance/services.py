"""Contract performance for a period (DESIGN.md §4) and the payment that follows from it.

    composite = weighted mean of the components that have a value, with the contract's weights
    inspection = mean total of the finalized, current inspections of the contract or its home
                 (household surveys: the mean of that and the spot-check agreement rate × 100)
    timeliness = % of the reports due in the period first submitted by their deadline
    targets    = min(100, achieved ÷ target × 100), the target pro-rated to the days of the
                 contract that fall in the period (household surveys: only the records not
                 found wrong in a finished spot check count as achieved)

A component without data drops out, as a section without applicable items does in scoring;
the composite is None when nothing is known. The grade maps to the share of the last
(performance-linked) installment that is paid: by default 100 / 95 / 85 / 0 %.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import clock
from app.errors import ValidationError
from app.extensions import db
from contracts.households.spot_checks import agreement_rate, records_not_found_wrong
from contracts.models import Contract, ServiceType
from contracts.submissions.models import Submission, SubmissionStatus
from contracts.submissions.schedule import Period, all_periods
from contracts.submissions.services import punctuality
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.scoring import DEFAULT_BANDS, grade_for, round_score
from reports.performance.models import Decision, PaymentDecision

COMPONENTS = ("inspection", "timeliness", "targets")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Window:
    key: str
    start: date
    end: date


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

    def rounded(self, name: str) -> Decimal | None:
        value = getattr(self, name)
        return None if value is None else round_score(value)


def parse_period(key: str | None, contract: Contract) -> Window:
    """``2026`` (a year) or ``2026-Q3`` (a quarter), clipped to the contract; default: the
    year the contract started."""
    key = (key or str(contract.start_date.year)).strip()
    if match := _YEAR.match(key):
        start, end = date(int(match[1]), 1, 1), date(int(match[1]), 12, 31)
    elif match := _QUARTER.match(key):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
    else:
        raise ValidationError(_("A period is a year (2026) or a quarter (2026-Q3)."),
                              {"period": [_("Use YYYY or YYYY-Qn.")]})
    start, end = max(start, contract.start_date), min(end, contract.end_date)
    if start > end:
        raise ValidationError(_("The contract does not run in this period."),
                              {"period": [_("Outside the contract's period.")]})
    return Window(key, start, end)


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _periods_in(contract: Contract, window: Window) -> list[Period]:
    return [p for p in all_periods(contract) if window.start <= p.end <= window.end]


def inspection_component(contract: Contract, window: Window) -> tuple[Decimal | None, dict]:
    superseded = sa.select(Inspection.supersedes_id).where(Inspection.supersedes_id.is_not(None))
    about = Inspection.contract_id == contract.id
    if contract.facility_id is not None:
        about = sa.or_(about, Inspection.facility_id == contract.facility_id)
    totals = [t for t in db.session.scalars(
        sa.select(Inspection.total).where(
            about, Inspection.status == InspectionStatus.FINALIZED,
            Inspection.id.not_in(superseded), Inspection.total.is_not(None),
            Inspection.scheduled_for.between(window.start, window.end)))]
    inspections = _mean([Decimal(t) for t in totals])
    details = {"inspections": len(totals), "inspection_mean": inspections}
    if contract.service_type is not ServiceType.HOUSEHOLD_SURVEY:
        return inspections, details
    keys = [p.key for p in _periods_in(contract, window)]
    rates = [r for key in keys if (r := agreement_rate(contract, key)) is not None]
    agreement = _mean([r * 100 for r in rates])
    details["agreement_rate"] = agreement
    return _mean([v for v in (inspections, agreement) if v is not None]), details


def timeliness_component(contract: Contract, window: Window, today: date
                         ) -> tuple[Decimal | None, dict]:
    counted, on_time = punctuality(contract, _periods_in(contract, window), today)
    value = None if counted == 0 else Decimal(100 * on_time) / Decimal(counted)
    return value, {"reports_due": counted, "reports_on_time": on_time}


def _share_of_contract(contract: Contract, window: Window) -> Decimal:
    days = (contract.end_date - contract.start_date).days + 1
    return Decimal((window.end - window.start).days + 1) / Decimal(days)


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


def targets_component(contract: Contract, window: Window) -> tuple[Decimal | None, dict]:
    targets = contract.targets or {}
    kind = contract.service_type
    if kind is ServiceType.HOUSEHOLD_SURVEY and targets.get("households"):
        target = Decimal(targets["households"]) * _share_of_contract(contract, window)
        achieved = Decimal(records_not_found_wrong(contract, window.start, window.end))
        return _attainment(achieved, target), {"achieved": achieved,
                                               "target": round(target, 1)}
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


def contract_performance(contract: Contract, period: str | None = None,
                         today: date | None = None) -> Performance:
    window = parse_period(period, contract)
    today = today or clock.today()
    inspection, d1 = inspection_component(contract, window)
    timeliness, d2 = timeliness_component(contract, window, today)
    targets, d3 = targets_component(contract, window)
    values = {"inspection": inspection, "timeliness": timeliness, "targets": targets}
    weights = contract.weights or {}
    known = {k: v for k, v in values.items() if v is not None and weights.get(k, 0) > 0}
    composite = None
    if known:
        total_weight = sum(Decimal(weights[k]) for k in known)
        composite = sum(Decimal(weights[k]) * v for k, v in known.items()) / total_weight
    grade = grade_for(composite, DEFAULT_BANDS) if composite is not None else None
    share = Decimal(payment_shares()[grade]) if grade else None
    linked = next((i for i in contract.installments if i.performance_linked), None)
    linked_amount = linked.amount if linked else None
    payable = (linked_amount * share / 100).quantize(Decimal("0.01")) \
        if linked_amount is not None and share is not None else None
    return Performance(contract.id, window.key, inspection, timeliness, targets, composite,
                       grade, share, linked_amount, payable,
                       {"window": [window.start, window.end], **d1, **d2, "targets": d3})


def quarters_of(contract: Contract) -> list[str]:
    keys, year, quarter = [], contract.start_date.year, (contract.start_date.month - 1) // 3 + 1
    while date(year, 3 * quarter - 2, 1) <= contract.end_date:
        keys.append(f"{year}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return keys


def quarterly_trend(contract: Contract, today: date | None = None) -> list[Performance]:
    """The composite per quarter of the contract, for the trend chart."""
    return [contract_performance(contract, key, today) for key in quarters_of(contract)]


# ---- the officer's decision ------------------------------------------------------------------

def decision_for(contract: Contract, period: str) -> PaymentDecision | None:
    return db.session.scalar(sa.select(PaymentDecision).where(
        PaymentDecision.contract_id == contract.id, PaymentDecision.period == period))


def record_payment_decision(contract: Contract, period: str | None, *, decision: str,
                            renew: bool, comment: str, actor,
                            amount: Decimal | str | None = None) -> PaymentDecision:
    """Record (or revise) the decision on a period; the audit trail keeps every revision.

    ``pay`` pays what the grade allows, ``withhold`` pays nothing, ``reduce`` pays the amount
    given (at most what the installment is worth). A comment is always required.
    """
    performance = contract_performance(contract, period)
    errors: dict[str, list[str]] = {}
    try:
        decision = Decision(decision)
    except ValueError:
        errors["decision"] = [_("Choose pay, reduce or withhold.")]
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = [_("Explain the decision.")]
    linked = performance.linked_amount
    if linked is None:
        errors["decision"] = [_("This contract has no performance-linked installment.")]
    pay_amount = Decimal(0)
    if not errors:
        if decision is Decision.PAY:
            pay_amount = performance.payable_amount if performance.payable_amount is not None \
                else linked
        elif decision is Decision.REDUCE:
            try:
                pay_amount = Decimal(str(amount)).quantize(Decimal("0.01"))
            except (ArithmeticError, ValueError):
                errors["amount"] = [_("Enter the amount to pay, in yuan.")]
            else:
                if not Decimal(0) <= pay_amount < linked:
                    errors["amount"] = [_("A reduced amount lies between 0 and %(max)s.",
                                          max=linked)]
    if errors:
        raise ValidationError(_("The decision was not recorded."), errors)
    row = decision_for(contract, performance.period)
    if row is None:
        row = PaymentDecision(contract_id=contract.id, period=performance.period)
        db.session.add(row)
    row.composite = performance.rounded("composite")
    row.grade = performance.grade
    row.payment_share = performance.payment_share
    row.decision, row.amount, row.renew, row.comment = decision, pay_amount, bool(renew), comment
    row.decided_by_id = getattr(actor, "id", None)
    row.decided_at = clock.now()
    db.session.flush()
    return row


def period_choices(contract: Contract) -> list[str]:
    """The years and quarters a contract runs in, for the period selector."""
    years = range(contract.start_date.year, contract.end_date.year + 1)
    return [str(y) for y in years] + quarters_of(contract)
