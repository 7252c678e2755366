"""The one statement builder of each list of providers, facilities, procurements and contracts,
shared by the HTML list (and its Excel export) and the JSON API; and the rows detail pages list.

Each ``<kind>_stmt(user, **filters)`` returns a ``sa.Select`` limited to what ``user`` may see,
filtered and sorted. The doors only translate their own parameter names into these keywords:
``<kind>_list_stmt(args, user)`` reads the list page's query string (a value it cannot read is
ignored, as a search form does), the API validates its query with a schema (and answers 422).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import NamedTuple

import sqlalchemy as sa

from app import clock
from app.db import page_of
from app.extensions import db
from app.regions.models import Level, Region, display_name
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

#: ``sort`` keys of each list; a leading "-" sorts descending
PROVIDER_SORTS = {"name": Provider.name, "created": Provider.created_at}
FACILITY_SORTS = {"name": Facility.name, "beds": Facility.beds}
PROCUREMENT_SORTS = {"created": Procurement.created_at, "title": Procurement.title,
                     "budget": Procurement.budget}
CONTRACT_SORTS = {"number": Contract.number, "end_date": Contract.end_date,
                  "amount": Contract.amount}
#: the statuses of a contract that can be "expiring": it is being performed
RUNNING = (ContractStatus.ACTIVE, ContractStatus.SUSPENDED)


def sort_choices(sorts: Mapping) -> list[str]:
    """Every accepted ``sort`` value of a list: each key, ascending and descending."""
    return [prefix + key for key in sorts for prefix in ("", "-")]


def _sorted(stmt: sa.Select, sort: str | None, sorts: dict, default: str, pk) -> sa.Select:
    key = sort if sort and sort.lstrip("-") in sorts else default
    column = sorts[key.lstrip("-")]
    return stmt.order_by(column.desc() if key.startswith("-") else column.asc(), pk)


def _search(q: str | None) -> str:
    return (q or "").strip()


def _in_region(stmt: sa.Select, region: Region | None, column) -> sa.Select:
    """The region and everything below it (only among the visible rows)."""
    return stmt if region is None else stmt.where(column.in_(region_subtree(region)))


# ---- the builders ----------------------------------------------------------------------------

def providers_stmt(user: User, *, q: str | None = None, kind: ProviderKind | str | None = None,
                   status: ProviderStatus | str | None = None,
                   sort: str | None = None) -> sa.Select:
    """``q``: the name or the credit code contains it."""
    stmt = visible_providers(user)
    if text := _search(q):
        stmt = stmt.where(sa.or_(Provider.name.icontains(text, autoescape=True),
                                 Provider.credit_code.icontains(text, autoescape=True)))
    if kind:
        stmt = stmt.where(Provider.kind == kind)
    if status:
        stmt = stmt.where(Provider.status == status)
    return _sorted(stmt, sort, PROVIDER_SORTS, "name", Provider.id)


def facilities_stmt(user: User, *, q: str | None = None, kind: FacilityKind | str | None = None,
                    region: Region | None = None, sort: str | None = None) -> sa.Select:
    """``q``: the name or the address contains it; ``region``: it and below."""
    stmt = visible_facilities(user)
    if text := _search(q):
        stmt = stmt.where(sa.or_(Facility.name.icontains(text, autoescape=True),
                                 Facility.address.icontains(text, autoescape=True)))
    if kind:
        stmt = stmt.where(Facility.kind == kind)
    stmt = _in_region(stmt, region, Facility.region_id)
    return _sorted(stmt, sort, FACILITY_SORTS, "name", Facility.id)


def procurements_stmt(user: User, *, q: str | None = None,
                      service_type: ServiceType | str | None = None,
                      method: ProcurementMethod | str | None = None,
                      status: ProcurementStatus | str | None = None,
                      region: Region | None = None, sort: str | None = None) -> sa.Select:
    """``q``: the title contains it; ``region``: it and below; newest first by default."""
    stmt = visible_procurements(user)
    if text := _search(q):
        stmt = stmt.where(Procurement.title.icontains(text, autoescape=True))
    if service_type:
        stmt = stmt.where(Procurement.service_type == service_type)
    if method:
        stmt = stmt.where(Procurement.method == method)
    if status:
        stmt = stmt.where(Procurement.status == status)
    stmt = _in_region(stmt, region, Procurement.region_id)
    return _sorted(stmt, sort, PROCUREMENT_SORTS, "-created", Procurement.id)


def contracts_stmt(user: User, *, q: str | None = None,
                   status: ContractStatus | str | None = None,
                   service_type: ServiceType | str | None = None, region: Region | None = None,
                   provider_id: int | None = None, facility_id: int | None = None,
                   expiring_within_days: int | None = None,
                   sort: str | None = None) -> sa.Select:
    """``q``: the number, the title or the provider's name contains it; ``region``: it and
    below; ``expiring_within_days`` N: active or suspended, ending between today and today + N
    days. Highest number first by default."""
    stmt = visible_contracts(user)
    if text := _search(q):
        stmt = stmt.where(sa.or_(
            Contract.number.icontains(text, autoescape=True),
            Contract.title.icontains(text, autoescape=True),
            Contract.provider_id.in_(sa.select(Provider.id).where(
                Provider.name.icontains(text, autoescape=True)))))
    if status:
        stmt = stmt.where(Contract.status == status)
    if service_type:
        stmt = stmt.where(Contract.service_type == service_type)
    if provider_id is not None:
        stmt = stmt.where(Contract.provider_id == provider_id)
    if facility_id is not None:
        stmt = stmt.where(Contract.facility_id == facility_id)
    if expiring_within_days is not None:
        today = clock.today()
        days = min(expiring_within_days, (date.max - today).days)  # no date overflow
        stmt = stmt.where(Contract.status.in_(RUNNING), Contract.end_date.between(
            today, today + timedelta(days=days)))
    stmt = _in_region(stmt, region, Contract.region_id)
    return _sorted(stmt, sort, CONTRACT_SORTS, "-number", Contract.id)


def contract_rows(stmt: sa.Select) -> sa.Select:
    """``stmt`` (of contracts) as the rows the contract list shows: the contract's own
    columns, its provider's name and its region's names, as plain rows."""
    return stmt.with_only_columns(
        Contract.id, Contract.number, Contract.title, Contract.service_type,
        Contract.start_date, Contract.end_date, Contract.amount, Contract.status,
        Provider.name.label("provider_name"), Region.name.label("region_name"),
        Region.name_en.label("region_name_en"),
    ).outerjoin(Contract.provider).outerjoin(Contract.region)


# ---- the list pages' query strings -----------------------------------------------------------

def _choice(args: Mapping, key: str, enum_cls: type[Enum]) -> str | None:
    value = args.get(key) or ""
    return value if value in {m.value for m in enum_cls} else None


def _int(args: Mapping, key: str) -> int | None:
    try:
        value = int(args.get(key) or "")
    except ValueError:
        return None
    return value if 0 <= value < 2**31 else None


def _region(args: Mapping) -> Region | None:
    code = args.get("region") or ""
    return get_by_code(code) if code else None


def providers_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q``, ``kind``, ``status``, ``sort``."""
    return providers_stmt(user, q=args.get("q"), kind=_choice(args, "kind", ProviderKind),
                          status=_choice(args, "status", ProviderStatus), sort=args.get("sort"))


def facilities_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q``, ``kind``, ``region`` (a code), ``sort``."""
    return facilities_stmt(user, q=args.get("q"), kind=_choice(args, "kind", FacilityKind),
                           region=_region(args), sort=args.get("sort"))


def procurements_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q``, ``service_type``, ``method``, ``status``, ``region`` (a code), ``sort``."""
    return procurements_stmt(
        user, q=args.get("q"), service_type=_choice(args, "service_type", ServiceType),
        method=_choice(args, "method", ProcurementMethod),
        status=_choice(args, "status", ProcurementStatus), region=_region(args),
        sort=args.get("sort"))


def contracts_list_stmt(args: Mapping, user: User) -> sa.Select:
    """``q``, ``status``, ``service_type``, ``region`` (a code), ``provider`` (id),
    ``facility`` (id), ``expiring`` (days), ``sort``."""
    return contracts_stmt(
        user, q=args.get("q"), status=_choice(args, "status", ContractStatus),
        service_type=_choice(args, "service_type", ServiceType), region=_region(args),
        provider_id=_int(args, "provider"), facility_id=_int(args, "facility"),
        expiring_within_days=_int(args, "expiring"), sort=args.get("sort"))


# ---- what the pages offer and list -----------------------------------------------------------

class RegionOption(NamedTuple):
    """A region as a filter offers it: the columns an option shows, not the model (a city's
    ~80 regions as ORM objects cost a list page more than its own rows)."""

    code: str
    name: str
    name_en: str | None
    level: Level

    def display_name(self, locale: str | None = None) -> str:
        return display_name(self.name, self.name_en, locale)


def region_options(user: User) -> list[RegionOption]:
    """The regions a user may filter by: their own subtree (all for admins)."""
    stmt = sa.select(Region.code, Region.name, Region.name_en, Region.level)
    return [RegionOption(*row) for row in db.session.execute(
        scope(stmt, user, region=Region.id).order_by(Region.code))]


#: above this many providers the list offers no drop-down (a city has ~500) but a typeahead
#: that asks for the providers matching what is typed (:func:`provider_suggestions`); without
#: script, the search box finds a provider by name, and a provider's page links to its list
PROVIDER_CHOICES_MAX = 30


class ProviderOption(NamedTuple):
    id: int
    name: str


@dataclass(frozen=True)
class ProviderFilter:
    #: the drop-down's providers, or empty when there are too many to list
    choices: list[ProviderOption]
    #: the provider filtered by (``?provider=``), shown as a removable badge without choices
    chosen: ProviderOption | None
    #: too many to list: a typeahead asks for the ones matching what is typed
    typeahead: bool = False

    @property
    def offered(self) -> bool:
        return bool(self.choices or self.chosen or self.typeahead)


def provider_options(user: User, args: Mapping | None = None, *, key: str = "provider",
                     among: sa.Select | None = None) -> ProviderFilter:
    """The providers a list may filter by, read from ``args[key]``: those ``user`` may see
    (and, given ``among``, a select of provider ids, only those); none for a provider's users,
    who see their own rows only."""
    args = args or {}
    if user.role is Role.PROVIDER:
        return ProviderFilter([], None)
    names = _provider_names(user, among=among)
    choices, too_many = _first(names, PROVIDER_CHOICES_MAX)
    if not too_many:
        return ProviderFilter(choices, None)
    ident = _int(args, key)
    row = db.session.execute(names.where(Provider.id == ident)).first() \
        if ident is not None else None
    chosen = ProviderOption(*row) if row else None
    return ProviderFilter([], chosen, typeahead=True)


#: suggestions a typed provider name gets at most
PROVIDER_SUGGESTIONS = 10


def provider_suggestions(user: User, q: str | None, *, among: sa.Select | None = None,
                         ) -> tuple[list[ProviderOption], bool]:
    """The providers ``user`` may see (given ``among``, a select of provider ids, only those)
    whose name or credit code contains ``q``, by name (the lists' provider typeahead); and
    whether more than these match."""
    return _first(_provider_names(user, q=q, among=among), PROVIDER_SUGGESTIONS)


def _provider_names(user: User, *, q: str | None = None, among: sa.Select | None = None
                    ) -> sa.Select:
    """(id, name) of the providers ``user`` may see, by name: those whose name or credit code
    contains ``q``, and given ``among`` (a select of provider ids) only those."""
    names = providers_stmt(user, q=q).with_only_columns(Provider.id, Provider.name)
    return names if among is None else names.where(Provider.id.in_(among))


def _first(names: sa.Select, count: int) -> tuple[list[ProviderOption], bool]:
    """The first ``count`` providers of ``names`` (id, name), and whether there are more: one
    row over the count is read to tell."""
    found = [ProviderOption(*row) for row in db.session.execute(page_of(names, count + 1))]
    return found[:count], len(found) > count


def provider_contracts(user: User, provider: Provider) -> list[Contract]:
    """The contracts of ``provider`` that ``user`` may see, as the contract list sorts them."""
    return list(db.session.scalars(contracts_stmt(user, provider_id=provider.id)))


def facility_contracts(user: User, facility: Facility) -> list[Contract]:
    """The contracts at ``facility`` that ``user`` may see, the latest ending first."""
    return list(db.session.scalars(contracts_stmt(user, facility_id=facility.id,
                                                  sort="-end_date")))


def procurement_contract(user: User, procurement: Procurement) -> Contract | None:
    """The contract awarded from ``procurement``, if ``user`` may see it."""
    return db.session.scalars(visible_contracts(user).where(
        Contract.procurement_id == procurement.id)).first()
