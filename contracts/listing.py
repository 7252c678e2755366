"""The filtered, sorted statements behind the list pages (and their Excel exports), and the
dashboard cards of the contracts feature.

Each ``<kind>_list_stmt(args, user)`` reads the list page's query string and returns a
``sa.Select`` limited to what ``user`` may see; the HTML list paginates it and the Excel export
(``contracts.exports.export_response(kind, stmt)``) writes all of its rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.main.dashboard import Card, card_source, count
from app.regions.models import Region
from app.regions.services import get_by_code
from app.scoping import region_subtree, scope
from app.users.models import Role, User
from contracts.models import (
    Contract,
    ContractStatus,
    Facility,
    FacilityKind,
    Procurement,
    ProcurementMethod,
    ProcurementStatus,
    Provider,
    ProviderKind,
    ProviderStatus,
    ServiceType,
)
from contracts.visibility import (
    visible_contracts,
    visible_facilities,
    visible_procurements,
    visible_providers,
)

#: ``?sort=`` keys of each list; a leading "-" sorts descending
PROVIDER_SORTS = {"name": Provider.name, "created": Provider.created_at}
FACILITY_SORTS = {"name": Facility.name, "beds": Facility.beds}
PROCUREMENT_SORTS = {"created": Procurement.created_at, "title": Procurement.title,
                     "budget": Procurement.budget}
CONTRACT_SORTS = {"number": Contract.number, "end_date": Contract.end_date,
                  "amount": Contract.amount}


def _choice(args: Mapping, key: str, enum_cls) -> str | None:
    value = args.get(key) or ""
    return value if value in {m.value for m in enum_cls} else None


def _sorted(stmt: sa.Select, args: Mapping, sorts: dict, default: str, pk) -> sa.Select:
    key = args.get("sort") or default
    descending = key.startswith("-")
    column = sorts.get(key.lstrip("-")) or sorts[default.lstrip("-")]
    if key.lstrip("-") not in sorts:
        descending = default.startswith("-")
    return stmt.order_by(column.desc() if descending else column.asc(), pk)


def _in_region(stmt: sa.Select, args: Mapping, user: User, column) -> sa.Select:
    """``?region=<code>``: the region and everything below it (only among visible rows)."""
    code = args.get("region") or ""
    region = get_by_code(code) if code else None
    if region is not None:
        stmt = stmt.where(column.in_(region_subtree(region)))
    return stmt


def _int(args: Mapping, key: str) -> int | None:
    try:
        value = int(args.get(key) or "")
    except ValueError:
        return None
    return value if value >= 0 else None


def region_options(user: User) -> list[Region]:
    """The regions a user may filter by: their own subtree (all for admins)."""
    return list(db.session.scalars(scope(sa.select(Region), user, region=Region.id)
                                   .order_by(Region.code)))


# ---- lists -------------------------------------------------------------------------------

def providers_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q`` (name or credit code), ``kind``, ``status``, ``sort`` name|created."""
    stmt = visible_providers(user)
    q = (args.get("q") or "").strip()
    if q:
        stmt = stmt.where(sa.or_(Provider.name.contains(q),
                                 Provider.credit_code.startswith(q.upper())))
    if kind := _choice(args, "kind", ProviderKind):
        stmt = stmt.where(Provider.kind == kind)
    if status := _choice(args, "status", ProviderStatus):
        stmt = stmt.where(Provider.status == status)
    return _sorted(stmt, args, PROVIDER_SORTS, "name", Provider.id)


def facilities_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q`` (name or address), ``kind``, ``region`` (code, with its subtree)."""
    stmt = visible_facilities(user)
    q = (args.get("q") or "").strip()
    if q:
        stmt = stmt.where(sa.or_(Facility.name.contains(q), Facility.address.contains(q)))
    if kind := _choice(args, "kind", FacilityKind):
        stmt = stmt.where(Facility.kind == kind)
    stmt = _in_region(stmt, args, user, Facility.region_id)
    return _sorted(stmt, args, FACILITY_SORTS, "name", Facility.id)


def procurements_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q`` (title), ``service_type``, ``method``, ``status``, ``region``."""
    stmt = visible_procurements(user)
    q = (args.get("q") or "").strip()
    if q:
        stmt = stmt.where(Procurement.title.contains(q))
    if service_type := _choice(args, "service_type", ServiceType):
        stmt = stmt.where(Procurement.service_type == service_type)
    if method := _choice(args, "method", ProcurementMethod):
        stmt = stmt.where(Procurement.method == method)
    if status := _choice(args, "status", ProcurementStatus):
        stmt = stmt.where(Procurement.status == status)
    stmt = _in_region(stmt, args, user, Procurement.region_id)
    return _sorted(stmt, args, PROCUREMENT_SORTS, "-created", Procurement.id)


def contracts_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q`` (number, title, provider name), ``status``, ``service_type``, ``region``,
    ``provider`` (id), ``facility`` (id), ``expiring`` (N: end date from today to today+N),
    ``sort`` number|end_date|amount (``-`` for descending)."""
    stmt = visible_contracts(user)
    q = (args.get("q") or "").strip()
    if q:
        stmt = stmt.where(sa.or_(
            Contract.number.contains(q.upper()), Contract.title.contains(q),
            Contract.provider_id.in_(sa.select(Provider.id).where(Provider.name.contains(q)))))
    if status := _choice(args, "status", ContractStatus):
        stmt = stmt.where(Contract.status == status)
    if service_type := _choice(args, "service_type", ServiceType):
        stmt = stmt.where(Contract.service_type == service_type)
    if (provider_id := _int(args, "provider")) is not None:
        stmt = stmt.where(Contract.provider_id == provider_id)
    if (facility_id := _int(args, "facility")) is not None:
        stmt = stmt.where(Contract.facility_id == facility_id)
    if (days := _int(args, "expiring")) is not None:
        today = clock.today()
        stmt = stmt.where(Contract.end_date.between(today, today + timedelta(days=days)))
    stmt = _in_region(stmt, args, user, Contract.region_id)
    return _sorted(stmt, args, CONTRACT_SORTS, "-number", Contract.id)


# ---- dashboard ---------------------------------------------------------------------------

EXPIRY_CARD_DAYS = 90


@card_source
def contract_cards(user: User) -> list[Card]:
    contracts = visible_contracts(user).with_only_columns(Contract.id)
    active = contracts.where(Contract.status == ContractStatus.ACTIVE)
    link = url_for("contracts.contracts", status="active")
    if user.role in (Role.ADMIN, Role.OFFICER):
        today = clock.today()
        expiring = active.where(Contract.end_date.between(
            today, today + timedelta(days=EXPIRY_CARD_DAYS)))
        return [
            Card(_l("Active contracts"), count(active), link),
            Card(_l("Draft contracts"), count(contracts.where(
                Contract.status == ContractStatus.DRAFT)),
                url_for("contracts.contracts", status="draft")),
            Card(_l("Contracts expiring within 90 days"), count(expiring),
                 url_for("contracts.contracts", status="active", expiring=EXPIRY_CARD_DAYS,
                         sort="end_date")),
        ]
    if user.role is Role.PROVIDER:
        return [Card(_l("My active contracts"), count(active), link)]
    return []
