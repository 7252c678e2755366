"""What each user may see of the contracts feature, as ``sa.Select`` statements.

Every list and lookup of providers, facilities, procurements and contracts goes through these,
in HTML and in the API alike. A row the user may not see is a 404, like a missing one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.scoping import one_visible, region_subtree, scope, visibility_clause
from app.users.models import Role, User
from contracts.households.models import SpotCheck
from contracts.models import Contract, Facility, FacilityKind, Procurement, Provider, ServiceType

#: The ``inspections`` table of the evaluations package, as a bare Core table clause.
#: Imports point one way (evaluations → contracts, tests/core/test_layering.py), so contracts
#: may not import ``evaluations.inspections.models``; yet an inspector sees exactly what their
#: inspections are about (DESIGN.md §1). ``sa.table`` names the table and the few columns read
#: here without importing the model (and without needing it to be loaded into the metadata).
_inspections = sa.table("inspections", sa.column("inspector_id"), sa.column("facility_id"),
                        sa.column("contract_id"), sa.column("provider_id"))


def _inspected_contract_ids(user: User) -> sa.Select:
    """Ids of the contracts an inspection or a spot check assigned to ``user`` is about."""
    return sa.union(
        sa.select(_inspections.c.contract_id).where(
            _inspections.c.inspector_id == user.id, _inspections.c.contract_id.is_not(None)),
        sa.select(SpotCheck.contract_id).where(SpotCheck.inspector_id == user.id))


def _inspected_facility_ids(user: User) -> sa.Select:
    """Ids of the facilities an inspection assigned to ``user`` is about."""
    return sa.select(_inspections.c.facility_id).where(
        _inspections.c.inspector_id == user.id, _inspections.c.facility_id.is_not(None))


def visible_contracts(user: User) -> sa.Select:
    """Admins all; officers their region subtree; providers their own contracts; inspectors
    the contracts an inspection or a spot check assigned to them is about (DESIGN.md §1)."""
    stmt = sa.select(Contract)
    if user.role is Role.INSPECTOR:
        return stmt.where(Contract.id.in_(_inspected_contract_ids(user)))
    return scope(stmt, user, region=Contract.region_id, provider=Contract.provider_id)


def visible_facilities(user: User) -> sa.Select:
    """Admins all; officers their region subtree and the centres their entrusted-care contracts
    name; providers the facilities named in one of their contracts; inspectors the facilities
    an inspection assigned to them is about."""
    stmt = sa.select(Facility)
    if user.role is Role.INSPECTOR:
        return stmt.where(Facility.id.in_(_inspected_facility_ids(user)))
    if user.role is Role.PROVIDER:
        if user.provider_id is None:
            return stmt.where(sa.false())
        return stmt.where(Facility.id.in_(
            sa.select(Contract.facility_id).where(Contract.provider_id == user.provider_id)))
    if user.role is Role.OFFICER and user.region is not None:
        # the centre a county entrusts its children to lies outside that county
        entrusted = sa.select(Contract.facility_id).where(
            Contract.service_type == ServiceType.ENTRUSTED_CARE,
            Contract.facility_id.is_not(None),
            Contract.region_id.in_(region_subtree(user.region)))
        return stmt.where(sa.or_(visibility_clause(user, region=Facility.region_id),
                                 Facility.id.in_(entrusted)))
    return scope(stmt, user, region=Facility.region_id)


def nameable_facilities(user: User) -> sa.Select:
    """The facilities ``user`` may name in a contract: those they see, and every child welfare
    centre (a county entrusts its children to the city's centre, outside the county)."""
    return sa.select(Facility).where(sa.or_(
        Facility.id.in_(visible_facilities(user).with_only_columns(Facility.id)),
        Facility.kind == FacilityKind.CHILD_WELFARE))


def visible_providers(user: User) -> sa.Select:
    """Officers and admins see ALL providers, whatever their region: they invite and pick
    bidders from anywhere (a provider registered in one county often serves another).
    Providers see their own organization; inspectors the providers answerable in their
    inspections and the contractors of the contracts they may see (see above)."""
    stmt = sa.select(Provider)
    if user.role in (Role.ADMIN, Role.OFFICER):
        return stmt
    if user.role is Role.INSPECTOR:
        return stmt.where(Provider.id.in_(sa.union(
            sa.select(Contract.provider_id).where(
                Contract.id.in_(_inspected_contract_ids(user))),
            sa.select(_inspections.c.provider_id).where(
                _inspections.c.inspector_id == user.id,
                _inspections.c.provider_id.is_not(None)))))
    return scope(stmt, user, provider=Provider.id)


def visible_procurements(user: User) -> sa.Select:
    """Admins all; officers their region subtree. Inspectors none: a purchase is never what
    an inspection is about. Providers none: bids are entered by officers, not through a
    supplier portal."""
    if user.role is Role.INSPECTOR:
        return sa.select(Procurement).where(sa.false())
    return scope(sa.select(Procurement), user, region=Procurement.region_id)


def get_visible_contract(user: User, contract_id: Any) -> Contract:
    """The contract, or ``NotFound`` (404) when it is missing or hidden from ``user``."""
    return one_visible(visible_contracts(user), Contract.id, contract_id)


def get_visible_facility(user: User, facility_id: Any) -> Facility:
    return one_visible(visible_facilities(user), Facility.id, facility_id)


def get_visible_provider(user: User, provider_id: Any) -> Provider:
    return one_visible(visible_providers(user), Provider.id, provider_id)


def get_visible_procurement(user: User, procurement_id: Any) -> Procurement:
    return one_visible(visible_procurements(user), Procurement.id, procurement_id)
