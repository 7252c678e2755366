"""The filters of the Excel exports, read from query arguments, and the choices of their form.

A filter only narrows what the user may see: every statement starts from a visibility helper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import as_id, region_subtree
from app.users.models import Role, User
from app.validation import DATE_MAX, DATE_MIN
from contracts.models import ServiceType
from contracts.visibility import get_visible_provider
from evaluations.assessment.models import AssessmentTemplate
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import visible_inspections
from reports.dashboards.services import count_of

_PERIOD = re.compile(r"^\d{4}(-Q[1-4])?$", re.ASCII)


@dataclass(frozen=True)
class InspectionFilter:
    template_id: int | None = None
    status: InspectionStatus | None = None
    region: Region | None = None
    start: date | None = None
    end: date | None = None
    provider_id: int | None = None


def _id_arg(args: Mapping[str, str], name: str) -> int | None:
    """The id a filter names: a positive integer an id column holds (a larger one reached
    SQLite as an overflow, a 500), else the filter is refused."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    # ASCII digits only: ``isdigit()`` also says yes to "²", which ``int()`` refuses
    ident = as_id(value) if value.isascii() and value.isdigit() else None
    if ident is None:
        raise ValidationError(_("Check the filters."), {name: [_("Not a known id.")]})
    return ident


def _date_arg(args: Mapping[str, str], name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Check the filters."),
                              {name: [_("Use a date like 2026-03-31.")]}) from None


def _provider_arg(user: User, args: Mapping[str, str]) -> int | None:
    """A provider filter names a provider the user may see; another's is a 404."""
    provider_id = _id_arg(args, "provider_id")
    if provider_id is not None:
        get_visible_provider(user, provider_id)
    return provider_id


def inspection_filter(user: User, args: Mapping[str, str]) -> InspectionFilter:
    """The filters of the inspection exports, from query arguments (empty = all)."""
    status = (args.get("status") or "").strip() or None
    if status is not None and status not in {s.value for s in InspectionStatus}:
        raise ValidationError(_("Check the filters."), {"status": [_("Unknown status.")]})
    region = None
    if (region_id := _id_arg(args, "county")) is not None:
        region = db.session.get(Region, region_id)
        if region is None:
            raise NotFound(_("Not found."))
    start, end = _date_arg(args, "from"), _date_arg(args, "to")
    if start and end and start > end:
        raise ValidationError(_("Check the filters."),
                              {"to": [_("The end comes before the start.")]})
    return InspectionFilter(_id_arg(args, "template_id"),
                            InspectionStatus(status) if status else None, region, start, end,
                            _provider_arg(user, args))


def inspections_stmt(user: User, f: InspectionFilter) -> sa.Select:
    """The visible inspections matching ``f``, by date."""
    stmt = visible_inspections(user)
    if f.template_id is not None:
        stmt = stmt.where(Inspection.template_id == f.template_id)
    if f.status is not None:
        stmt = stmt.where(Inspection.status == f.status)
    if f.region is not None:
        stmt = stmt.where(Inspection.region_id.in_(region_subtree(f.region)))
    if f.start is not None:
        stmt = stmt.where(Inspection.scheduled_for >= f.start)
    if f.end is not None:
        stmt = stmt.where(Inspection.scheduled_for <= f.end)
    if f.provider_id is not None:
        stmt = stmt.where(Inspection.provider_id == f.provider_id)
    return stmt.order_by(Inspection.scheduled_for, Inspection.id)


def require_at_most(user: User, f: InspectionFilter, limit: int) -> int:
    """How many inspections the filters match; refused above ``limit`` (config
    ``EXPORT_MAX_INSPECTIONS`` and ``EXPORT_MAX_ANSWERED_INSPECTIONS``): one workbook would
    hold a worker, and its memory, for minutes, and outgrow a worksheet."""
    matched = count_of(inspections_stmt(user, f))
    if matched > limit:
        message = _("These filters match %(count)d inspections; one export holds at most "
                    "%(limit)d. Narrow it by county, template, provider or dates.",
                    count=matched, limit=limit)
        raise ValidationError(message, {"from": [message]})
    return matched


@dataclass(frozen=True)
class PerformanceFilter:
    period: str
    service_type: ServiceType | None = None
    provider_id: int | None = None


def performance_filter(user: User, args: Mapping[str, str]) -> PerformanceFilter:
    period = (args.get("period") or "").strip().upper() or str(clock.today().year)
    if not _PERIOD.match(period):
        raise ValidationError(_("A period is a year (2026) or a quarter (2026-Q3)."),
                              {"period": [_("Use YYYY or YYYY-Qn.")]})
    # year 0 is no date at all, and 9999-Q4 ends in year 10000: both were a 500
    if not DATE_MIN.year <= int(period[:4]) <= DATE_MAX.year:
        message = _("Give a year between 1900 and 2999.")
        raise ValidationError(message, {"period": [message]})
    service_type = (args.get("service_type") or "").strip() or None
    if service_type is not None and service_type not in {s.value for s in ServiceType}:
        raise ValidationError(_("Check the filters."),
                              {"service_type": [_("Unknown service type.")]})
    return PerformanceFilter(period, ServiceType(service_type) if service_type else None,
                             _provider_arg(user, args))


# ---- choices of the filter form --------------------------------------------------------------

def template_choices(user: User) -> list[AssessmentTemplate]:
    """The template versions of the inspections ``user`` may see: for each of the few versions,
    one of its inspections looked up (``ix_inspections_template_region``), instead of the
    distinct versions of the user's inspections (a city's 61,000 read for three versions)."""
    # A subquery with LIMIT stays a probe per version (PostgreSQL turns an EXISTS into a join
    # over all the inspections; SQLite has no LATERAL); it selects what the index holds, so
    # that the probe reads the index alone (with the id it chose to scan the table instead).
    one_used = (visible_inspections(user).with_only_columns(Inspection.template_id)
                .where(Inspection.template_id == AssessmentTemplate.id).limit(1)
                .scalar_subquery())
    return list(db.session.scalars(
        sa.select(AssessmentTemplate).where(one_used.is_not(None))
        .order_by(AssessmentTemplate.code, AssessmentTemplate.version.desc())))


def county_choices(user: User) -> list[Region]:
    stmt = sa.select(Region).where(Region.level == Level.COUNTY).order_by(Region.code)
    if user.role is not Role.ADMIN and user.role is not Role.PROVIDER and user.region:
        stmt = stmt.where(Region.id.in_(region_subtree(user.region)))
    return list(db.session.scalars(stmt))
