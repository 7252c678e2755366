"""What the public page publishes: organizations, money, dates and grades only."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import clock
from app.extensions import db
from contracts.models import (
    Contract,
    ContractStatus,
    Facility,
    Procurement,
    ProcurementStatus,
)
from evaluations.inspections.models import (
    HISTORY_ORDER,
    Inspection,
    InspectionStatus,
    not_replaced,
)

#: a contract ended or an award made within this many days is still "recent"
RECENT_DAYS = 365
#: at most this many rows per table: the page is a notice board, not an archive
MAX_ROWS = 500


def contracts() -> list[Contract]:
    """Contracts in force, and those ended within RECENT_DAYS; newest first."""
    since = clock.today() - timedelta(days=RECENT_DAYS)
    stmt = (sa.select(Contract)
            .where(Contract.status != ContractStatus.DRAFT,
                   sa.or_(Contract.status.in_([ContractStatus.ACTIVE,
                                               ContractStatus.SUSPENDED]),
                          Contract.end_date >= since))
            .order_by(Contract.start_date.desc(), Contract.number)
            .limit(MAX_ROWS))
    return list(db.session.scalars(stmt))


def awards() -> list[Procurement]:
    """Procurements awarded within RECENT_DAYS, newest first, with their winning bids."""
    since = clock.today() - timedelta(days=RECENT_DAYS)
    stmt = (sa.select(Procurement)
            .where(Procurement.status == ProcurementStatus.AWARDED,
                   Procurement.awarded_on >= since)
            .options(so.selectinload(Procurement.bids))
            .order_by(Procurement.awarded_on.desc(), Procurement.id)
            .limit(MAX_ROWS))
    return list(db.session.scalars(stmt))


def latest_grades() -> list[Inspection]:
    """The newest visit's current result with a grade of each home by template (code), ordered
    by county and home. Only its grade, total and date are published."""
    # By the visit's day (as the plan reads a home's history), not the day it was finalized: a
    # correction of March's visit finalized in June is still March's visit.
    stmt = (sa.select(Inspection)
            .where(Inspection.status == InspectionStatus.FINALIZED,
                   Inspection.facility_id.is_not(None), Inspection.grade.is_not(None),
                   not_replaced())
            .options(so.selectinload(Inspection.template),
                     so.selectinload(Inspection.facility).joinedload(Facility.region))
            .order_by(*HISTORY_ORDER))
    latest: dict[tuple[int, str], Inspection] = {}
    for inspection in db.session.scalars(stmt):
        latest.setdefault((inspection.facility_id, inspection.template.code), inspection)
    rows = sorted(latest.values(), key=lambda i: (i.facility.region.code, i.facility.name,
                                                  i.template.code))
    return rows[:MAX_ROWS]
