"""What the inspection pages list: filtered inspections, an inspector's to-do list, the
filters' choices, and the inspectors one may assign."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import page_of
from app.extensions import db
from app.regions.models import Region
from app.scoping import region_subtree
from app.users.models import Role, User
from contracts.models import Contract, Facility
from evaluations.assessment.models import AssessmentTemplate
from evaluations.inspections.models import (
    IS_OPEN,
    TO_COME,
    Inspection,
    InspectionAnswer,
    InspectionStatus,
)
from evaluations.inspections.services import visible_inspections

__all__ = [
    "answer_rows", "assignable_ids", "assignable_inspectors", "eligible_inspectors",
    "finalized_inspections_about", "inspection_stmt", "inspectors_of", "list_filters",
    "OVERDUE", "overdue", "row_relations", "todo_for_inspector",
]


#: the list's ``status`` choice of the visits past their date (not a status of its own)
OVERDUE = "overdue"

#: what a row of the list shows, loaded with the page (one statement) rather than per row
_ROW = (Inspection.template, Inspection.facility, Inspection.region, Inspection.inspector)


def row_relations(*, api: bool = False, own: bool = False) -> list:
    """Loader options for a page of inspections: the row's parents joined in; the API's
    photos and signatures in one statement each (its answers: :func:`answer_rows`).

    ``own``: the inspections of the signed-in inspector, who is in the session already (a
    row finds them there without a statement); joined, they were three more tables for
    PostgreSQL to plan the order of (planning took 10 of an inspector list's 11 ms)."""
    options = [so.joinedload(relation) for relation in _ROW
               if not (own and relation is Inspection.inspector)]
    # The contracts by their keys in a statement of their own: joined into the page's, they
    # made PostgreSQL hash the whole contracts table (3,000 rows at city scale) for 50 rows.
    options.append(so.selectinload(Inspection.contract))
    options.append(so.selectinload(Inspection.superseded_by))  # the "superseded" badge
    if api:
        options += [so.selectinload(Inspection.photos), so.selectinload(Inspection.signatures)]
    return options


def answer_rows(inspection_ids: list[int]) -> dict[int, list[sa.Row]]:
    """The answers of these inspections as plain rows by inspection, in item order: a page of
    the API holds 1,500 of them, which as tracked objects cost more than the rest of it."""
    found: dict[int, list[sa.Row]] = defaultdict(list)
    if inspection_ids:
        a = InspectionAnswer
        for row in db.session.execute(
                sa.select(a.inspection_id, a.item_id, a.points, a.yes, a.na, a.note, a.version,
                          a.reading).where(a.inspection_id.in_(inspection_ids))
                .order_by(a.inspection_id, a.item_id)):
            found[row.inspection_id].append(row)
    return found


def inspection_stmt(user: User, *, status: InspectionStatus | str | None = None,
                    template_id: int | None = None, facility_id: int | None = None,
                    contract_id: int | None = None, inspector_id: int | None = None,
                    region_id: int | None = None, scheduled_from: date | None = None,
                    scheduled_to: date | None = None, soonest_first: bool = False,
                    overdue_on: date | None = None) -> sa.Select:
    """The inspections ``user`` may see, filtered as asked; newest scheduled first, or
    soonest first (an inspector's to-do list). An unknown ``region_id`` filters nothing.
    ``overdue_on``: only the visits still to come dated before that day, as the home page's
    card counts them (:func:`overdue`)."""
    stmt = visible_inspections(user)
    if overdue_on is not None:
        stmt = stmt.where(overdue(overdue_on))
    if status is not None:
        stmt = stmt.where(Inspection.status == InspectionStatus(status))
    for column, value in ((Inspection.template_id, template_id),
                          (Inspection.facility_id, facility_id),
                          (Inspection.contract_id, contract_id),
                          (Inspection.inspector_id, inspector_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    region = db.session.get(Region, region_id) if region_id is not None else None
    if region is not None:
        stmt = stmt.where(Inspection.region_id.in_(region_subtree(region)))
    if scheduled_from is not None:
        stmt = stmt.where(Inspection.scheduled_for >= scheduled_from)
    if scheduled_to is not None:
        stmt = stmt.where(Inspection.scheduled_for <= scheduled_to)
    if soonest_first:
        # the work still to do first, oldest (overdue) first, then what is done, newest first
        return stmt.order_by(sa.case((IS_OPEN, 0), else_=1),
                             sa.case((IS_OPEN, Inspection.scheduled_for), else_=None).asc(),
                             Inspection.scheduled_for.desc(), Inspection.id.desc())
    return stmt.order_by(Inspection.scheduled_for.desc(), Inspection.id.desc())


def overdue(today: date) -> sa.ColumnElement[bool]:
    """A visit still to come (scheduled or begun, no correction) dated before ``today``."""
    return sa.and_(TO_COME, Inspection.scheduled_for < today)


def todo_for_inspector(user: User, today: date, limit: int = 20) -> dict[str, list]:
    """An inspector's open inspections: overdue (oldest first), today's, and the next ones."""
    open_ = (visible_inspections(user).where(IS_OPEN)
             .order_by(Inspection.scheduled_for, Inspection.id)
             .options(*row_relations(own=True)))
    rows = list(db.session.scalars(page_of(open_.where(Inspection.scheduled_for <= today),
                                           limit)))
    upcoming = list(db.session.scalars(page_of(open_.where(Inspection.scheduled_for > today),
                                               limit)))
    return {"overdue": [i for i in rows if i.scheduled_for < today],
            "today": [i for i in rows if i.scheduled_for == today], "upcoming": upcoming}


def list_filters(user: User) -> dict[str, list]:
    """What an officer's inspection list filters by: every template version, the inspectors
    they may assign, the regions of their subtree."""
    regions = (sa.select(Region).where(Region.id.in_(region_subtree(user.region)))
               if user.region else sa.select(Region))
    return {
        "templates": list(db.session.scalars(sa.select(AssessmentTemplate).order_by(
            AssessmentTemplate.code, AssessmentTemplate.version.desc()))),
        "inspectors": list(db.session.scalars(assignable_inspectors(user))),
        "regions": list(db.session.scalars(regions)),
    }


def finalized_inspections_about(user: User, *, facility: Facility | None = None,
                                contract: Contract | None = None, limit: int = 50
                                ) -> list[Inspection]:
    """Finalized inspections of a facility or contract that ``user`` may see, newest first."""
    stmt = visible_inspections(user).where(Inspection.status == InspectionStatus.FINALIZED)
    if facility is not None:
        stmt = stmt.where(Inspection.facility_id == facility.id)
    elif contract is not None:
        stmt = stmt.where(Inspection.contract_id == contract.id)
    else:
        return []
    # the table shows each one's template (its grade bands) and whether it was superseded
    # (one row each: a correction supersedes one inspection)
    stmt = stmt.options(so.joinedload(Inspection.template),
                        so.joinedload(Inspection.superseded_by))
    return list(db.session.scalars(page_of(stmt.order_by(Inspection.scheduled_for.desc()),
                                           limit)))


def eligible_inspectors(region: Region) -> sa.Select:
    """Enabled inspectors whose region contains ``region`` (the target's region)."""
    ancestors = [int(part) for part in region.path.strip("/").split("/") if part]
    return (sa.select(User).where(User.role == Role.INSPECTOR, User.is_enabled.is_(True),
                                  User.region_id.in_(ancestors))
            .order_by(User.name, User.email))


def inspectors_of(region: Region) -> list[User]:
    """The inspectors who may fill in a form about a target in ``region``."""
    return list(db.session.scalars(eligible_inspectors(region)))


def assignable_inspectors(user: User) -> sa.Select:
    """Enabled inspectors an officer may assign: in their subtree or above their region."""
    stmt = sa.select(User).where(User.role == Role.INSPECTOR, User.is_enabled.is_(True))
    if user.role is not Role.ADMIN and user.region is not None:
        ancestors = [int(p) for p in user.region.path.strip("/").split("/") if p]
        stmt = stmt.where(sa.or_(
            User.region_id.in_(ancestors),
            User.region_id.in_(sa.select(Region.id)
                               .where(Region.path.startswith(user.region.path)))))
    return stmt.order_by(User.name, User.email)


def assignable_ids(user: User, ids: list[int]) -> set[int]:
    """Those of the users ``ids`` that ``user`` may assign (:func:`assignable_inspectors`)."""
    return set(db.session.scalars(
        assignable_inspectors(user).where(User.id.in_(ids)).with_only_columns(User.id)))
