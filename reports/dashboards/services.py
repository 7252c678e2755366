"""What each role's dashboard shows: plain functions over the session.

Every query starts from a visibility helper (``visible_contracts``, ``visible_inspections``,
``visible_actions``), so a county officer counts only their county's rows, an inspector only
their own inspections, and a provider only its own contracts and actions.

The provider ranking and the contracts' trends read the performance figures stored per contract
and period (:mod:`reports.performance.figures`, kept current at every commit that changes them
and nightly): one query each, the same cost for every worker and every officer, no cache.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import clock, paging
from app.db import count_rows, page_of
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import scope
from app.template_helpers import ui_language
from app.users.models import User
from contracts.listing import RUNNING
from contracts.models import Contract, ContractStatus, Facility, ServiceType
from contracts.submissions.asked import reporting_clause
from contracts.submissions.models import Submission, SubmissionStatus
from contracts.submissions.schedule import Period, overdue_periods
from contracts.submissions.services import ReportRow, provider_overview
from contracts.visibility import visible_contracts
from evaluations.actions.models import NOT_CLOSED, CorrectiveAction
from evaluations.actions.services import visible_actions
from evaluations.assessment.models import TemplateItem, TemplateSection
from evaluations.inspections.models import (
    TO_COME,
    Grade,
    Inspection,
    InspectionStatus,
    not_replaced,
)
from evaluations.inspections.services import visible_inspections
from reports.dashboards.failures import ItemFailureCount
from reports.dashboards.ranking import (  # noqa: F401  (the dashboards' API, re-exported)
    RANKED_CONTRACTS,
    ContractTrend,
    ProviderRank,
    contract_trends,
    provider_ranking,
    quarters_until,
)

EXPIRY_DAYS = 90
INSPECTIONS_AHEAD_DAYS = 7
#: rows of each "what needs action" list on the officer's dashboard (a city has hundreds)
LISTED = 20


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _current(stmt: sa.Select) -> sa.Select:
    """Only inspections that no finalized correction has replaced."""
    return stmt.where(not_replaced())


def finalized_in_year(user: User, year: int) -> sa.Select:
    """The current, finalized inspections ``user`` may see, scheduled in ``year``."""
    start, end = _year_bounds(year)
    return _current(visible_inspections(user).where(
        Inspection.status == InspectionStatus.FINALIZED,
        Inspection.scheduled_for.between(start, end)))


# ---- contracts -------------------------------------------------------------------------------

def contract_counts(user: User) -> dict[str, list[tuple[str, int]]]:
    """``{"status": [(code, count)], "service_type": [...]}`` of the visible contracts, every
    code listed (zeros too) in the order of its enum; one query for both."""
    rows = visible_contracts(user).subquery()
    by = {"status": defaultdict(int), "service_type": defaultdict(int)}
    for status, kind, n in db.session.execute(
            sa.select(rows.c.status, rows.c.service_type, sa.func.count())
            .group_by(rows.c.status, rows.c.service_type)):
        by["status"][str(status)] += n
        by["service_type"][str(kind)] += n
    return {column: [(code.value, by[column].get(code.value, 0)) for code in codes]
            for column, codes in (("status", ContractStatus), ("service_type", ServiceType))}


def contracts_by(user: User, column: str) -> list[tuple[str, int]]:
    """``(code, count)`` of the visible contracts per ``status`` or ``service_type``."""
    return contract_counts(user)[column]


def count_of(stmt: sa.Select) -> int:
    """How many rows ``stmt`` gives, counted by the database."""
    return db.session.scalar(count_rows(stmt))


def first_and_total(stmt: sa.Select, order_by: Sequence, options: Sequence = (),
                    limit: int = LISTED) -> tuple[list, int]:
    """The first ``limit`` rows of ``stmt`` (a select of one entity) and how many there are,
    in one statement. The rows are counted, ordered and cut on the entity's table alone; only
    the rows shown are joined to what ``options`` load with them."""
    entity = paging.entity_of(stmt)
    page = page_of(stmt.with_only_columns(entity.id, sa.func.count().over().label("total"))
                   .order_by(*order_by), limit).subquery("page")
    rows = db.session.execute(sa.select(entity, page.c.total)
                              .join(page, page.c.id == entity.id)
                              .order_by(*order_by).options(*options)).all()
    return [row[0] for row in rows], (rows[0][-1] if rows else 0)


def expiring_contracts_stmt(user: User, today: date, days: int = EXPIRY_DAYS) -> sa.Select:
    """Running contracts (active or suspended: a suspended one ends all the same, as the
    contract list and the reminders count) whose last day falls within ``days``."""
    return visible_contracts(user).where(
        Contract.status.in_(RUNNING),
        Contract.end_date.between(today, today + timedelta(days=days)))


def expiring_contracts(user: User, today: date, days: int = EXPIRY_DAYS,
                       limit: int | None = None) -> list[Contract]:
    """:func:`expiring_contracts_stmt`, soonest first (the first ``limit`` of them)."""
    return list(db.session.scalars(expiring_contracts_stmt(user, today, days)
                                   .order_by(Contract.end_date, Contract.number).limit(limit)))


@dataclass(frozen=True)
class OverdueReport:
    contract: Contract
    period: Period
    days_overdue: int


def overdue_reports(user: User, today: date, limit: int | None = None
                    ) -> tuple[list[OverdueReport], int]:
    """Reports of the contracts that ask for them (active ones, and those closed lately: their
    last reports fall due after; :func:`reporting_clause`, as the reminders) whose deadline
    has passed with nothing submitted (no report, or only a draft), the longest overdue
    first: the first ``limit`` and how many.

    The schedule is worked out from a few columns of each contract (a city has a thousand
    active ones), each with the periods it has delivered as one string: a row per contract,
    not one per report (ten thousand rows to fetch at city scale). Only the contracts shown
    are loaded whole."""
    delivered = (sa.select(sa.func.aggregate_strings(Submission.period, ","))
                 .where(Submission.contract_id == Contract.id,
                        Submission.status != SubmissionStatus.DRAFT)
                 .scalar_subquery().label("delivered"))
    terms = db.session.execute(
        visible_contracts(user).where(reporting_clause(today))
        .with_only_columns(Contract.id, Contract.number, Contract.start_date, Contract.end_date,
                           Contract.reporting, Contract.report_due_days, delivered,
                           Contract.activated_on, Contract.terminated_on,
                           Contract.suspensions)).all()
    late = []
    for c in terms:
        sent = set(c.delivered.split(",")) if c.delivered else ()
        late += [(-(today - p.deadline).days, c.number, c.id, p)
                 for p in overdue_periods(c, today) if p.key not in sent]
    late.sort(key=lambda row: row[:2])
    shown = late if limit is None else late[:limit]
    contracts = {c.id: c for c in db.session.scalars(sa.select(Contract).where(
        Contract.id.in_({row[2] for row in shown})))} if shown else {}
    return [OverdueReport(contracts[cid], p, -minus_days)
            for minus_days, _number, cid, p in shown], len(late)


def overdue_submissions(user: User, today: date) -> list[OverdueReport]:
    """Every overdue report in ``user``'s view (see :func:`overdue_reports`)."""
    return overdue_reports(user, today)[0]


# ---- inspections -----------------------------------------------------------------------------

def inspections_due_stmt(user: User, today: date, days: int = INSPECTIONS_AHEAD_DAYS
                         ) -> sa.Select:
    # a correction being filled in is dated by the visit it corrects: never due, never late
    return visible_inspections(user).where(
        TO_COME,
        Inspection.scheduled_for <= today + timedelta(days=days))


def inspections_due(user: User, today: date, days: int = INSPECTIONS_AHEAD_DAYS,
                    limit: int | None = None) -> list[Inspection]:
    """Scheduled or started inspections, no correction, planned up to ``days`` ahead (late
    ones included), the first ``limit`` of them."""
    return list(db.session.scalars(inspections_due_stmt(user, today, days)
                                   .order_by(Inspection.scheduled_for, Inspection.id)
                                   .options(*_DUE_ROW).limit(limit)))


#: what a row of the due inspections shows, loaded with them: the home's name or the
#: contract's number, and the template
_OWN_ROW = (paging.parent_columns(Inspection.facility, Facility.name),
            paging.parent_columns(Inspection.contract, Contract.number),
            so.joinedload(Inspection.template))
#: and the inspector's name (an inspector's own rows find their inspector in the session: see
#: evaluations.inspections.lists.row_relations)
_DUE_ROW = (*_OWN_ROW, paging.parent_columns(Inspection.inspector, User.name, User.email))


def counties_of(region_ids: set[int]) -> dict[int, Region]:
    """For each region id, the county it lies in; a region above the counties stands for
    itself (e.g. the city bureau's own homes). One query: each region with the county whose
    path begins its own."""
    if not region_ids:
        return {}
    county = so.aliased(Region)
    rows = db.session.execute(
        sa.select(Region, county).outerjoin(county, sa.and_(
            county.level == Level.COUNTY, Region.path.startswith(county.path)))
        .where(Region.id.in_(region_ids))).all()
    return {region.id: found or region for region, found in rows}


@dataclass
class CountyGrades:
    county: str
    grades: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.grades.values())


def grade_distribution(user: User, year: int) -> list[CountyGrades]:
    """Per county, how many finalized inspections of ``year`` earned each grade."""
    rows = db.session.execute(finalized_in_year(user, year).with_only_columns(
        Inspection.region_id, Inspection.grade, sa.func.count())
        .where(Inspection.grade.is_not(None))
        .group_by(Inspection.region_id, Inspection.grade)).all()
    if not rows:
        return []
    county_of = counties_of({row[0] for row in rows})
    locale = ui_language()
    by_county: dict[int, CountyGrades] = {}
    codes: dict[int, str] = {}
    for region_id, grade, n in rows:
        county = county_of[region_id]
        entry = by_county.setdefault(county.id, CountyGrades(
            county.display_name(locale), {g.value: 0 for g in Grade}))
        codes[county.id] = county.code
        # a template's own band codes count in the total; the chart shows the default four
        entry.grades[str(grade)] = entry.grades.get(str(grade), 0) + n
    return [by_county[i] for i in sorted(by_county, key=codes.__getitem__)]


@dataclass(frozen=True)
class FailedItem:
    template: str
    section: str
    text: str
    critical: bool
    failed: int
    applicable: int

    @property
    def share(self) -> Decimal:
        """% of the inspections where the item applied that scored it below its maximum."""
        return Decimal(100 * self.failed) / Decimal(self.applicable)


def top_failed_items(user: User, year: int, limit: int = 10) -> list[FailedItem]:
    """The items most often scored below their maximum (a failed veto item included) in the
    finalized inspections of ``year``; versions of one template count as one item (its key).
    One query over the counts kept per region (reports.dashboards.failures), the newest
    version's item joined for its texts."""
    counts = ItemFailureCount
    failed = sa.func.sum(counts.failed)
    ranked = scope(
        sa.select(counts.template_code, counts.item_key, failed.label("failed"),
                  sa.func.sum(counts.applicable).label("applicable"),
                  sa.func.max(counts.last_item_id).label("item_id"))
        .where(counts.year == year), user, region=counts.region_id
    ).group_by(counts.template_code, counts.item_key).having(failed > 0).order_by(
        failed.desc(), counts.template_code, counts.item_key)
    top = page_of(ranked, limit).subquery()
    rows = db.session.execute(
        sa.select(TemplateItem, top.c.failed, top.c.applicable)
        .join(top, TemplateItem.id == top.c.item_id)
        .options(so.joinedload(TemplateItem.section).joinedload(TemplateSection.template))
        .order_by(top.c.failed.desc(), top.c.template_code, top.c.item_key)).all()
    locale = ui_language()
    return [FailedItem(item.section.template.name(locale), item.section.name(locale),
                       item.text(locale), item.critical, int(n_failed), int(n_applicable))
            for item, n_failed, n_applicable in rows]


# ---- the dashboards --------------------------------------------------------------------------

def officer_dashboard(user: User, today: date | None = None) -> dict:
    today = today or clock.today()
    counts = contract_counts(user)
    overdue = overdue_reports(user, today, limit=LISTED)
    expiring = first_and_total(expiring_contracts_stmt(user, today),
                               (Contract.end_date, Contract.number))
    due = first_and_total(inspections_due_stmt(user, today),
                          (Inspection.scheduled_for, Inspection.id), _DUE_ROW)
    return {
        "year": today.year,
        "by_status": counts["status"],
        "by_service_type": counts["service_type"],
        # the dashboard lists the first few of each; the badges count them all
        "expiring": expiring[0],
        "expiring_total": expiring[1],
        "overdue": overdue[0],
        "overdue_total": overdue[1],
        "inspections_due": due[0],
        "inspections_due_total": due[1],
        "grades": grade_distribution(user, today.year),
        "failed_items": top_failed_items(user, today.year),
        "ranking": provider_ranking(user, today.year, today),
        "quarters": quarters_until(today.year, today),
    }


def inspector_dashboard(user: User, today: date | None = None, limit: int = 15) -> dict:
    today = today or clock.today()
    mine = visible_inspections(user)
    found = dict(db.session.execute(mine.with_only_columns(Inspection.status, sa.func.count())
                                    .group_by(Inspection.status)).all())
    return {
        # a cancelled visit is no longer the inspector's (visible_inspections)
        "by_status": [(s.value, found.get(s, 0)) for s in InspectionStatus
                      if s is not InspectionStatus.CANCELLED],
        "upcoming": list(db.session.scalars(page_of(
            mine.where(TO_COME).order_by(Inspection.scheduled_for, Inspection.id)
            .options(*_OWN_ROW), limit))),
        "late": db.session.scalar(mine.with_only_columns(sa.func.count()).select_from(
            Inspection).where(
            TO_COME, Inspection.scheduled_for < today)),
        "recent": list(db.session.scalars(page_of(
            mine.where(Inspection.status.in_((InspectionStatus.SUBMITTED,
                                              InspectionStatus.FINALIZED)),
                       Inspection.submitted_at.is_not(None))
            .order_by(Inspection.submitted_at.desc(), Inspection.id.desc())
            .options(*_OWN_ROW), limit))),
        "today": today,
    }


def open_actions(user: User) -> list[CorrectiveAction]:
    return list(db.session.scalars(visible_actions(user).where(NOT_CLOSED)
        .order_by(CorrectiveAction.deadline, CorrectiveAction.id)))


def provider_dashboard(user: User, today: date | None = None) -> dict:
    today = today or clock.today()
    contracts = list(db.session.scalars(visible_contracts(user).order_by(
        Contract.end_date.desc(), Contract.number)))
    scores = list(db.session.execute(_current(visible_inspections(user).where(
        Inspection.status == InspectionStatus.FINALIZED, Inspection.total.is_not(None)))
        .with_only_columns(Inspection.scheduled_for, Inspection.total)
        .order_by(Inspection.scheduled_for, Inspection.id)).all())
    overview: dict[str, list[ReportRow]] = provider_overview(user, today)
    return {
        "contracts": contracts,
        "overview": overview,
        "scores": scores,
        "trends": contract_trends(contracts, today),
        "actions": open_actions(user),
        "today": today,
    }
