"""What each user may see of the contracts feature, as ``sa.Select`` statements.

Every list and lookup of providers, facilities, procurements and contracts goes through these,
in HTML and in the API alike. A row the user may not see is a 404, like a missing one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import NotFound
from app.extensions import db
from app.scoping import region_subtree, scope
from app.users.models import Role, User
from contracts.models import Contract, Facility, Procurement, Provider


def visible_contracts(user: User) -> sa.Select:
    """Admins all; officers their region subtree; providers their own contracts.

    Inspectors: for now the region subtree, like officers. The evaluations issue narrows this
    to the contracts their inspections are about — change it here, in one place.
    """
    return scope(sa.select(Contract), user, region=Contract.region_id,
                 provider=Contract.provider_id)


def visible_facilities(user: User) -> sa.Select:
    """Admins all; officers (and for now inspectors, see above) their region subtree;
    providers the facilities named in one of their contracts."""
    stmt = sa.select(Facility)
    if user.role is Role.PROVIDER:
        if user.provider_id is None:
            return stmt.where(sa.false())
        return stmt.where(Facility.id.in_(
            sa.select(Contract.facility_id).where(Contract.provider_id == user.provider_id)))
    return scope(stmt, user, region=Facility.region_id)


def visible_providers(user: User) -> sa.Select:
    """Officers and admins see ALL providers, whatever their region: they invite and pick
    bidders from anywhere (a provider registered in one county often serves another).
    Providers see their own organization; inspectors the providers of contracts in their
    region subtree (narrowed to their inspections by the evaluations issue)."""
    stmt = sa.select(Provider)
    if user.role in (Role.ADMIN, Role.OFFICER):
        return stmt
    if user.role is Role.INSPECTOR and user.region is not None:
        return stmt.where(Provider.id.in_(
            sa.select(Contract.provider_id).where(
                Contract.region_id.in_(region_subtree(user.region)))))
    return scope(stmt, user, provider=Provider.id)


def visible_procurements(user: User) -> sa.Select:
    """Admins all; officers and inspectors their region subtree; providers none (bids are
    entered by officers, not through a supplier portal)."""
    return scope(sa.select(Procurement), user, region=Procurement.region_id)


def _one(stmt: sa.Select, ident: Any, pk: Any) -> Any:
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    obj = db.session.scalars(stmt.where(pk == ident)).first()
    if obj is None:
        raise NotFound(_("Not found."))
    return obj


def get_visible_contract(user: User, contract_id: Any) -> Contract:
    """The contract, or ``NotFound`` (404) when it is missing or hidden from ``user``."""
    return _one(visible_contracts(user), contract_id, Contract.id)


def get_visible_facility(user: User, facility_id: Any) -> Facility:
    return _one(visible_facilities(user), facility_id, Facility.id)


def get_visible_provider(user: User, provider_id: Any) -> Provider:
    return _one(visible_providers(user), provider_id, Provider.id)


def get_visible_procurement(user: User, procurement_id: Any) -> Procurement:
    return _one(visible_procurements(user), procurement_id, Procurement.id)
