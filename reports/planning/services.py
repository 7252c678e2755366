"""The inspection plan: every home (and every active household-survey contract) the user sees,
with its risk, next due date and reasons, from a handful of set-based queries.

The plan is computed on demand from the data the bureau holds; the database hands over only
the rows that can tell in the rule: of the inspections, those kept per target in the
transaction that changes them (:mod:`reports.planning.kept`). Seven statements whatever the
number of targets (targets twice, templates, inspections, actions, reports, appeals); the
ranking is done in Python over the visible targets.

On site means an inspection that was carried out: submitted or finalized, dated by its day.
Grades count only finalized inspections that no finalized correction has replaced.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import ValidationError
from app.extensions import db
from app.paging import load_in_order
from app.regions.models import Region
from app.scoping import region_subtree, visibility_clause
from app.users.models import Role, User
from contracts.models import Contract, ContractStatus, Facility, ServiceType
from contracts.submissions.models import (
    LATE_RETURNED_OR_INCIDENTS,
    RETURNED_ONCE,
    Submission,
    SubmissionStatus,
)
from evaluations.actions.models import NOT_CLOSED, CorrectiveAction
from evaluations.assessment.models import AssessmentTemplate
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.appeals.models import Appeal
from reports.planning.kept import kept_rows, target_of
from reports.planning.risk import Assessment, Finalized, History, assess, lookback_start
from reports.planning.weights import Weights, current_weights

PLANNERS = (Role.ADMIN, Role.OFFICER)
ONSITE = (InspectionStatus.SUBMITTED, InspectionStatus.FINALIZED)
OPEN = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)
#: the contracts planned like homes: the household surveys judged by their own inspections
PLANNED_SERVICES = (ServiceType.HOUSEHOLD_SURVEY,)


class Target(NamedTuple):
    """A home or a contract as the plan lists it: plain columns (a city's 700 as tracked
    objects, each with its region joined, were a fifth of its plan: 21 ms -> 4)."""

    id: int
    #: a home's name; a contract's number and title
    name: str
    region_code: str
    region_name: str


@dataclass
class PlanItem:
    facility: Target | None
    contract: Target | None
    assessment: Assessment
    #: the next inspection already scheduled (not yet carried out), if any
    scheduled_for: date | None

    @property
    def key(self) -> tuple[str, int]:
        return ("facility", self.facility.id) if self.facility else ("contract", self.contract.id)

    @property
    def target(self) -> Target:
        return self.facility or self.contract

    @property
    def name(self) -> str:
        return self.target.name


def plan_region(user: User, region_code: str | None) -> Region | None:
    """The region a plan is limited to: ``region_code`` inside the user's area, or none."""
    if not region_code:
        return None
    region = db.session.scalar(sa.select(Region).where(Region.code == str(region_code)))
    visible = region is not None and (
        user.role is Role.ADMIN
        or (user.region is not None and region.path.startswith(user.region.path)))
    if not visible:
        message = _("Choose a region inside your area.")
        raise ValidationError(message, {"region_code": [message]})
    return region


def _facility_targets(user: User, region: Region | None, today: date) -> sa.Select:
    # a home not yet opened has nothing to inspect (no opening day: open): it was planned as
    # never inspected, due today, at the top of the plan (the coverage leaves it out too)
    opened = sa.or_(Facility.opened_on.is_(None), Facility.opened_on <= today)
    stmt = (sa.select(Facility).where(visibility_clause(user, region=Facility.region_id), opened)
            .order_by(Facility.id))
    if region is not None:
        stmt = stmt.where(Facility.region_id.in_(region_subtree(region)))
    return stmt


def _contract_targets(user: User, region: Region | None) -> sa.Select:
    stmt = (sa.select(Contract)
            .where(visibility_clause(user, region=Contract.region_id),
                   Contract.service_type.in_(PLANNED_SERVICES),
                   Contract.status == ContractStatus.ACTIVE)
            .order_by(Contract.id))
    if region is not None:
        stmt = stmt.where(Contract.region_id.in_(region_subtree(region)))
    return stmt


def _ids(targets: sa.Select, entity: type[Facility] | type[Contract]) -> sa.Select:
    """The ids of ``targets``, for the history statements to select by: a city's 3,300 ids
    written into each of them made statements the driver parsed anew every time (40 ms)."""
    return targets.with_only_columns(entity.id).order_by(None)


def _listed(targets: sa.Select, entity: type[Facility] | type[Contract]) -> list[Target]:
    """``targets`` as the plan lists them, in one statement; :func:`highest_risk` loads the few
    it hands on whole."""
    shown = (Facility.name,) if entity is Facility else (Contract.number, Contract.title)
    rows = db.session.execute(
        targets.with_only_columns(entity.id, *shown, Region.code, Region.name)
        .join(Region, Region.id == entity.region_id))
    if entity is Facility:
        return [Target(*row) for row in rows]
    return [Target(ident, f"{number} {title}", code, region)
            for ident, number, title, code, region in rows]


def _since(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.LOCAL_TZ).astimezone(UTC)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(clock.LOCAL_TZ).date()


def _load_inspections(histories: dict, scheduled: dict, fids: sa.Select, cids: sa.Select,
                      since: date) -> None:
    # the few templates' codes by id, rather than a join for each of the rows
    codes = dict(db.session.execute(
        sa.select(AssessmentTemplate.id, AssessmentTemplate.code)).all())
    rows = db.session.execute(kept_rows(fids, cids, since))
    # in no order: what is kept of them does not depend on it
    for (ident, facility_id, contract_id, template_id, is_open, finalized, day, total, grade,
         vetoes) in rows:
        key = target_of(facility_id, contract_id)
        history = histories.get(key)
        if history is None:
            continue
        if is_open:
            if key not in scheduled or day < scheduled[key]:
                scheduled[key] = day
            continue
        # the newest day; of one day's, the lower id (as the grade reads them)
        if history.last_onsite is None or (day, -ident) > (history.last_onsite,
                                                           -history.last_onsite_id):
            history.last_onsite, history.last_onsite_id = day, ident
        if finalized:
            history.finalized.append(Finalized(day, total, grade, vetoes, ident,
                                               codes[template_id]))


def _load_actions(histories: dict, fids: sa.Select, cids: sa.Select) -> None:
    rows = db.session.execute(
        sa.select(CorrectiveAction.facility_id, CorrectiveAction.contract_id,
                  CorrectiveAction.severity, CorrectiveAction.deadline)
        .where(NOT_CLOSED,
               sa.or_(CorrectiveAction.facility_id.in_(fids),
                      sa.and_(CorrectiveAction.facility_id.is_(None),
                              CorrectiveAction.contract_id.in_(cids)))))
    for row in rows:
        history = histories.get(target_of(row.facility_id, row.contract_id))
        if history is not None:
            history.open_actions.append((row.severity.value, row.deadline))


#: the home a contract's reports and decisions speak of: its operation's only. An entrusted-care
#: contract names the child welfare centre too, but its rosters and payments are the entrusting
#: county's affairs: counted, they gave the centre the county's late reports and appeals.
_HOME = sa.case((Contract.service_type == ServiceType.FACILITY_OPERATION, Contract.facility_id))


def _load_reports(histories: dict, fids: sa.Select, cids: sa.Select, since: date) -> None:
    """Reports of the homes' operation contracts and of the planned contracts: lateness,
    returns, and the incidents (nine risks) the provider reported in them."""
    incidents = Submission.data["incidents"]
    rows = db.session.execute(
        # the incidents alone: decoding every report's whole data took a quarter of the plan
        sa.select(_HOME, Submission.contract_id, Submission.first_submitted_at,
                  Submission.late, RETURNED_ONCE.label("returned"), incidents.label("incidents"))
        .join(Contract, Submission.contract_id == Contract.id)
        .where(Submission.status != SubmissionStatus.DRAFT,
               Submission.first_submitted_at >= _since(since),
               sa.or_(sa.and_(Contract.facility_id.in_(fids),
                              Contract.service_type == ServiceType.FACILITY_OPERATION),
                      Submission.contract_id.in_(cids)),
               # only the reports that count: a city's 34,000 reports hold ~500 late,
               # returned or reporting incidents, read by an index (all read took 40 ms)
               LATE_RETURNED_OR_INCIDENTS))
    for facility_id, contract_id, submitted_at, late, was_returned, incidents in rows:
        history = (histories.get(target_of(facility_id, contract_id))
                   or histories.get(("contract", contract_id)))
        if history is None:
            continue
        day = _local_day(submitted_at)
        history.reports.append((day, bool(late), bool(was_returned)))
        for incident in incidents if isinstance(incidents, list) else []:
            if isinstance(incident, dict) and incident.get("severity"):
                history.incidents.append((day, str(incident["severity"]),
                                          int(incident.get("count") or 1)))


def _load_appeals(histories: dict, fids: sa.Select, cids: sa.Select, since: date) -> None:
    """Appeals of a home's inspections or of its operation contract's decisions, and of the
    planned contracts."""
    home = sa.func.coalesce(Inspection.facility_id, _HOME)
    rows = db.session.execute(
        sa.select(home.label("facility_id"), Appeal.contract_id, Appeal.opened_at)
        .outerjoin(Inspection, Appeal.inspection_id == Inspection.id)
        .outerjoin(Contract, Appeal.contract_id == Contract.id)
        .where(Appeal.opened_at >= _since(since),
               sa.or_(home.in_(fids), Appeal.contract_id.in_(cids))))
    for row in rows:
        history = histories.get(target_of(row.facility_id, row.contract_id))
        if history is not None:
            history.appeals.append(_local_day(row.opened_at))


def inspection_plan(user: User, *, region: Region | None = None, before: date | None = None,
                    today: date | None = None, weights: Weights | None = None
                    ) -> list[PlanItem]:
    """The plan of the targets ``user`` sees (in ``region``), highest risk first; with
    ``before``, only those due before that day."""
    today = today or clock.today()
    w = weights or current_weights()
    if user.role not in PLANNERS:
        return []
    facility_targets = _facility_targets(user, region, today)
    contract_targets = _contract_targets(user, region)
    facilities = _listed(facility_targets, Facility)
    contracts = _listed(contract_targets, Contract)
    histories: dict[tuple[str, int], History] = {("facility", f.id): History() for f in facilities}
    histories |= {("contract", c.id): History() for c in contracts}
    fids, cids = _ids(facility_targets, Facility), _ids(contract_targets, Contract)
    scheduled: dict[tuple[str, int], date] = {}
    since = lookback_start(w, today)
    if histories:
        _load_inspections(histories, scheduled, fids, cids, since)
        _load_actions(histories, fids, cids)
        _load_reports(histories, fids, cids, since)
        _load_appeals(histories, fids, cids, since)
    items = [PlanItem(f, None, assess(histories[("facility", f.id)], w, today),
                      scheduled.get(("facility", f.id))) for f in facilities]
    items += [PlanItem(None, c, assess(histories[("contract", c.id)], w, today),
                       scheduled.get(("contract", c.id))) for c in contracts]
    if before is not None:
        items = [i for i in items if i.assessment.next_due < before]
    items.sort(key=lambda i: (-i.assessment.risk, i.assessment.next_due, i.key))
    return items


def highest_risk(user: User, count: int, *, about: str, region: Region | None = None,
                 today: date | None = None, passing_over: Collection[int] = frozenset()
                 ) -> list[Any]:
    """The ``count`` highest-risk homes (``about="facility"``) or contracts of the plan, but
    those whose ids are in ``passing_over``."""
    items = inspection_plan(user, region=region, today=today)
    entity = Facility if about == "facility" else Contract
    ids = [target.id for i in items
           if (target := i.facility if about == "facility" else i.contract) is not None
           and target.id not in passing_over][:count]
    # whole, for the campaign that schedules them: the plan read only what it lists
    return load_in_order(entity, ids)


__all__ = ["PLANNERS", "PlanItem", "highest_risk", "inspection_plan", "plan_region"]
