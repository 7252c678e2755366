"""The review queue's filters: county, service type, period, late.

They narrow :func:`services.review_queue_stmt` (what the officer may review, oldest first), so
the queue's order and its visibility stay in one place. A value the page cannot read is
ignored, as on the other list pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.regions.models import Level, Region
from app.regions.services import get_by_code
from app.scoping import region_subtree, scope
from app.users.models import User
from contracts.models import Contract, ServiceType
from contracts.submissions import services as subs
from contracts.submissions.models import Submission

_PERIOD = re.compile(r"\d{4}-(\d{2}|Q[1-4])")


@dataclass(frozen=True)
class QueueFilters:
    county: Region | None = None
    service_type: ServiceType | None = None
    period: str | None = None
    late: bool = False

    @classmethod
    def from_args(cls, args: Mapping) -> QueueFilters:
        code = (args.get("county") or "").strip()
        county = get_by_code(code) if code.isdigit() else None
        try:
            service_type = ServiceType(args.get("service_type") or "")
        except ValueError:
            service_type = None
        period = (args.get("period") or "").strip()
        return cls(county=county, service_type=service_type,
                   period=period if _PERIOD.fullmatch(period) else None,
                   late=args.get("late") == "1")


def filtered_queue_stmt(user: User, filters: QueueFilters) -> sa.Select:
    stmt = subs.review_queue_stmt(user)
    contracts = sa.select(Contract.id)
    narrowed = False
    if filters.county is not None:
        contracts = contracts.where(Contract.region_id.in_(region_subtree(filters.county)))
        narrowed = True
    if filters.service_type is not None:
        contracts = contracts.where(Contract.service_type == filters.service_type)
        narrowed = True
    if narrowed:
        stmt = stmt.where(Submission.contract_id.in_(contracts))
    if filters.period is not None:
        stmt = stmt.where(Submission.period == filters.period)
    if filters.late:
        stmt = stmt.where(Submission.late.is_(True))
    return stmt


def county_options(user: User) -> list[Region]:
    """The counties (and the city, for a city officer) the officer may narrow the queue to."""
    stmt = scope(sa.select(Region), user, region=Region.id).where(
        Region.level.in_((Level.CITY, Level.COUNTY))).order_by(Region.code)
    return list(db.session.scalars(stmt))


def period_options(user: User) -> list[str]:
    """The periods of the reports waiting, newest first."""
    waiting = subs.review_queue_stmt(user).order_by(None).subquery()
    return list(db.session.scalars(sa.select(waiting.c.period).distinct()
                                   .order_by(waiting.c.period.desc())))
