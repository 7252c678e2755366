"""Entrusted care (委托代养): a county whose child-welfare institution is weak entrusts its
children to the city's child welfare centre, which raises them.

An ``entrusted_care`` contract names:

- the entrusting authority: the contract's region, a county (or the city itself);
- the centre: its facility, of kind ``child_welfare``; unlike a home's operation, the centre may
  lie outside the entrusting county (it is usually the city's);
- the number of children entrusted: ``targets.children``;
- the provider that raises them: the centre's operator when a provider operates it on the
  contract's first day, else the centre's own legal entity (run by the bureau itself).

The provider then reports monthly the roster of the children, each by a masked ID
(``contracts.submissions.data``).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.regions.models import Level, Region
from app.template_helpers import region_name
from contracts.common import Errors, add
from contracts.models import (
    Contract,
    ContractStatus,
    Facility,
    FacilityKind,
    Provider,
    ServiceType,
)

#: levels of the region that entrusts its children
ENTRUSTING_LEVELS = (Level.COUNTY, Level.CITY)


def centre_operator(centre: Facility, on: date) -> Provider | None:
    """The provider operating the centre on day ``on`` under an active operation contract."""
    contract = db.session.scalars(sa.select(Contract).where(
        Contract.facility_id == centre.id,
        Contract.service_type == ServiceType.FACILITY_OPERATION,
        Contract.status == ContractStatus.ACTIVE,
        Contract.start_date <= on, Contract.end_date >= on)
        .order_by(Contract.start_date.desc())).first()
    return contract.provider if contract is not None else None


def check_children(targets: dict, errors: Errors) -> None:
    """Entrusted care names the children entrusted, from the draft to every amendment: with
    none the monthly roster would have nothing to report against."""
    if not targets.get("children"):
        add(errors, "targets", _("Give the number of children entrusted (targets: children)."))


def check_centre(centre: Facility | None, errors: Errors) -> None:
    """Entrusted care is bought from a child welfare centre, which raises the children: its
    contract, and the procurement whose award drafts that contract, name one."""
    if centre is None:
        add(errors, "facility_id", _("Entrusted care names the child welfare centre that "
                                     "raises the children: choose it."))
    elif centre.kind is not FacilityKind.CHILD_WELFARE:
        add(errors, "facility_id", _("%(name)s is not a child welfare institution.",
                                     name=centre.name))


def check_entrusted_care(*, provider: Provider | None, region: Region | None,
                         centre: Facility | None, targets: dict, start: date | None,
                         errors: Errors) -> None:
    """The rules above, each refusal on its field."""
    if region is not None and region.level not in ENTRUSTING_LEVELS:
        add(errors, "region_code", _("The entrusting region of entrusted care is a county or "
                                     "the city, not %(name)s.", name=region_name(region)))
    check_centre(centre, errors)
    check_children(targets, errors)
    if centre is not None and provider is not None and start is not None:
        operator = centre_operator(centre, start)
        if operator is not None and operator.id != provider.id:
            add(errors, "provider_id", _(
                "%(centre)s is operated by %(operator)s: the children are raised by its "
                "operator.", centre=centre.name, operator=operator.name))
