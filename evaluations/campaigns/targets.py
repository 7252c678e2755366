"""The targets of a campaign chosen by rule: the homes of the chosen kinds, or the active
contracts of the chosen service types, in the region (and counties)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import ValidationError
from app.extensions import db
from app.regions.models import Region
from app.scoping import region_subtree
from contracts.models import Contract, ContractStatus, Facility, FacilityKind, ServiceType

if TYPE_CHECKING:
    from evaluations.campaigns.services import CampaignInput

__all__ = ["matching_contracts", "matching_facilities", "targets_by_rule"]


def _within_counties(column: Any, counties: list[Region]) -> Any:
    if not counties:
        return sa.true()
    return sa.or_(*(column.in_(region_subtree(county)) for county in counties))


def matching_facilities(region: Region, kinds: list[str],
                        counties: list[Region] | None = None,
                        end: date | None = None) -> list[Facility]:
    """Homes of ``kinds`` in ``region``'s subtree (and in ``counties``), open by ``end`` (the
    window's last day: a home opening after it got a visit planned before it had residents,
    overdue for ever; no opening day: open), by region path then id."""
    opened = sa.true() if end is None else sa.or_(Facility.opened_on.is_(None),
                                                  Facility.opened_on <= end)
    return list(db.session.scalars(
        sa.select(Facility).join(Region, Facility.region_id == Region.id)
        .where(Facility.kind.in_([FacilityKind(k) for k in kinds]), opened,
               Facility.region_id.in_(region_subtree(region)),
               _within_counties(Facility.region_id, counties or []))
        .order_by(Region.path, Facility.id)))


def matching_contracts(region: Region, service_types: list[str], start: date, end: date,
                       counties: list[Region] | None = None) -> list[Contract]:
    """Active contracts of ``service_types`` in ``region``'s subtree (and in ``counties``)
    running at some time in the window, by region path then id."""
    return list(db.session.scalars(
        sa.select(Contract).join(Region, Contract.region_id == Region.id)
        .where(Contract.service_type.in_([ServiceType(t) for t in service_types]),
               Contract.status == ContractStatus.ACTIVE,
               Contract.start_date <= end, Contract.end_date >= start,
               Contract.region_id.in_(region_subtree(region)),
               _within_counties(Contract.region_id, counties or []))
        .order_by(Region.path, Contract.id)))


def targets_by_rule(data: CampaignInput) -> list:
    """The campaign's homes or contracts, or a ``ValidationError`` when none matches."""
    field = "service_types" if data.about_contracts else "facility_kinds"
    if data.about_contracts:
        found: list = matching_contracts(data.region, data.service_types, data.start, data.end,
                                         data.counties)
        message = _("No contract matches: no active contract of the chosen service types "
                    "runs in %(region)s during the window.", region=data.region.name)
    else:
        found = matching_facilities(data.region, data.kinds, data.counties, data.end)
        message = _("No facility matches: no home of the chosen kinds in %(region)s.",
                    region=data.region.name)
    if not found:
        raise ValidationError(message, {field: [message]})
    return found
