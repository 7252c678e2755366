"""Facilities (welfare homes) and who operates them. Operations flush, never commit; an officer
places a facility only inside their own region subtree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import Forbidden
from app.extensions import db
from app.users.models import REGION_ROLES, Role, User
from app.validation import as_decimal
from contracts.common import Errors, add, as_date, as_enum, raise_if, resolve_region, text
from contracts.models import (
    Contract,
    ContractStatus,
    Facility,
    FacilityKind,
    FacilityWard,
    Procurement,
    ProcurementStatus,
    Provider,
    ServiceType,
    Ward,
)
from contracts.terms import check_actor_region

WardsInput = Mapping[str, int] | Iterable[str] | None


def _wards(value: WardsInput, errors: Errors) -> dict[Ward, int]:
    """``{"self_care": 40, ...}`` or a plain list of ward names (beds unknown: 0)."""
    if value is None:
        return {}
    items = value.items() if isinstance(value, Mapping) else ((name, 0) for name in value)
    wards: dict[Ward, int] = {}
    for name, beds in items:
        ward = as_enum(Ward, name, "wards", errors)
        try:
            beds = int(beds)
        except (TypeError, ValueError):
            beds = -1
        if beds < 0:
            add(errors, "wards", _("Beds per ward must be a whole number, zero or more."))
        elif ward is not None:
            wards[ward] = beds
    return wards


def _beds(value: Any, wards: dict[Ward, int], errors: Errors) -> int | None:
    if value is None or value == "":
        return sum(wards.values())
    try:
        beds = int(value)
    except (TypeError, ValueError):
        beds = -1
    if beds < 0:
        add(errors, "beds", _("Beds must be a whole number, zero or more."))
        return None
    if sum(wards.values()) > beds:
        add(errors, "beds", _("The wards hold %(n)d beds, more than the total.",
                              n=sum(wards.values())))
    return beds


DEGREES = Decimal("0.000001")  # six decimals: about 0.1 m


def _degrees(value: Any, field: str, limit: int, errors: Errors) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = as_decimal(value)
    if number is None or not number.is_finite() or not -limit <= number <= limit:
        add(errors, field, _("Enter a number of degrees from %(low)d to %(high)d.",
                             low=-limit, high=limit))
        return None
    return number.quantize(DEGREES, rounding=ROUND_HALF_UP)


def _position(latitude: Any, longitude: Any, errors: Errors) -> tuple[Any, Any]:
    """(latitude, longitude) in WGS-84 degrees, both given or neither."""
    lat = _degrees(latitude, "latitude", 90, errors)
    lon = _degrees(longitude, "longitude", 180, errors)
    if "latitude" in errors or "longitude" in errors:
        return None, None
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        add(errors, missing, _("Give both latitude and longitude, or neither."))
    return lat, lon


def _set_wards(facility: Facility, wards: dict[Ward, int]) -> None:
    existing = {w.ward: w for w in facility.wards}
    for ward, row in existing.items():
        if ward not in wards:
            facility.wards.remove(row)
    for ward, beds in wards.items():
        if ward in existing:
            existing[ward].beds = beds
        else:
            facility.wards.append(FacilityWard(ward=ward, beds=beds))


def create_facility(*, name: str, kind: FacilityKind | str, region: Any,
                    address: str = "", beds: int | None = None, wards: WardsInput = None,
                    opened_on: date | str | None = None, latitude: Any = None,
                    longitude: Any = None, actor: User | None = None) -> Facility:
    """``region``: a Region, its code or its id, inside the subtree of ``actor`` (an officer).
    ``beds`` defaults to the wards' sum."""
    errors: Errors = {}
    ward_beds = _wards(wards, errors)
    values = dict(
        name=text(name, "name", errors, max_length=200, required=True),
        kind=as_enum(FacilityKind, kind, "kind", errors),
        region=resolve_region(region, "region_code", errors),
        address=text(address, "address", errors, max_length=300),
        beds=_beds(beds, ward_beds, errors),
        opened_on=as_date(opened_on, "opened_on", errors, required=False),
    )
    values["latitude"], values["longitude"] = _position(latitude, longitude, errors)
    check_actor_region(actor, values["region"], errors)
    raise_if(errors, _("The facility was not saved."))
    facility = Facility(**values)
    _set_wards(facility, ward_beds)
    db.session.add(facility)
    db.session.flush()
    return facility


def may_change_facility(user: User | None, facility: Facility) -> bool:
    """Whether ``user`` (``None``: the system) may change ``facility``: an officer only one
    inside their region subtree, though they also see the centre their county entrusts its
    children to."""
    return (user is None or user.role not in REGION_ROLES or user.region is None
            or user.region.contains(facility.region))


def check_facility_writer(user: User | None, facility: Facility) -> None:
    if not may_change_facility(user, facility):
        raise Forbidden(_("%(name)s lies outside your own region: only an officer of its "
                          "region may change it.", name=facility.name))


def update_facility(facility: Facility, *, actor: User | None = None,
                    **changes: Any) -> Facility:
    """Change any of name, kind, region, address, beds, wards, opened_on, latitude, longitude
    (a position is whole: both or neither); the facility and a new region lie inside the
    subtree of ``actor`` (an officer), else ``Forbidden`` and a refusal on the region."""
    check_facility_writer(actor, facility)
    unknown = set(changes) - {"name", "kind", "region", "address", "beds", "wards", "opened_on",
                              "latitude", "longitude"}
    if unknown:
        raise TypeError(f"unknown facility fields: {', '.join(sorted(unknown))}")
    errors: Errors = {}
    values: dict[str, Any] = {}
    ward_beds = (_wards(changes["wards"], errors) if "wards" in changes
                 else {w.ward: w.beds for w in facility.wards})
    if "name" in changes:
        values["name"] = text(changes["name"], "name", errors, max_length=200, required=True)
    if "kind" in changes:
        values["kind"] = as_enum(FacilityKind, changes["kind"], "kind", errors)
    if "region" in changes:
        values["region"] = resolve_region(changes["region"], "region_code", errors)
        check_actor_region(actor, values["region"], errors)
        if values["region"] is not None and values["region"] is not facility.region:
            _check_naming_regions(facility, values["region"], errors)
    if "address" in changes:
        values["address"] = text(changes["address"], "address", errors, max_length=300)
    if "opened_on" in changes:
        values["opened_on"] = as_date(changes["opened_on"], "opened_on", errors, required=False)
    if "latitude" in changes or "longitude" in changes:
        values["latitude"], values["longitude"] = _position(
            changes.get("latitude", facility.latitude),
            changes.get("longitude", facility.longitude), errors)
    if "beds" in changes or "wards" in changes:
        values["beds"] = _beds(changes.get("beds", facility.beds), ward_beds, errors)
    raise_if(errors, _("The facility was not saved."))
    for key, value in values.items():
        setattr(facility, key, value)
    if "wards" in changes:
        _set_wards(facility, ward_beds)
    db.session.flush()
    return facility


def _check_naming_regions(facility: Facility, region: Any, errors: Errors) -> None:
    """A facility a running contract or an open procurement names stays inside its region:
    moved out, the county that bought its operation no longer saw the home, and the county it
    moved into saw that county's operator and could change the home."""
    contracts = db.session.scalars(sa.select(Contract).where(
        Contract.facility_id == facility.id,
        Contract.service_type != ServiceType.ENTRUSTED_CARE,  # the city's centre, by design
        Contract.status.in_((ContractStatus.DRAFT, ContractStatus.ACTIVE,
                             ContractStatus.SUSPENDED))).order_by(Contract.id))
    for contract in contracts:
        if not contract.region.contains(region):
            add(errors, "region_code", _("The facility is named by contract %(number)s: it "
                                         "must stay inside that contract's region.",
                                         number=contract.number))
            return
    procurements = db.session.scalars(sa.select(Procurement).where(
        Procurement.facility_id == facility.id,
        Procurement.service_type != ServiceType.ENTRUSTED_CARE,
        Procurement.status == ProcurementStatus.OPEN).order_by(Procurement.id))
    for procurement in procurements:
        if not procurement.region.contains(region):
            add(errors, "region_code", _("The facility is named by procurement “%(title)s”: "
                                         "it must stay inside that procurement's region.",
                                         title=procurement.title))
            return


def operation_contract(facility: Facility, on: date | None = None, *,
                       suspended: bool = False) -> Contract | None:
    """The active ``facility_operation`` contract covering day ``on`` (default today);
    ``suspended``: or a suspended one (it keeps its figures, so it still answers for what
    inspectors find)."""
    on = on or clock.today()
    statuses = (ContractStatus.ACTIVE, ContractStatus.SUSPENDED) if suspended \
        else (ContractStatus.ACTIVE,)
    return db.session.scalars(
        sa.select(Contract).where(
            Contract.facility_id == facility.id,
            Contract.service_type == ServiceType.FACILITY_OPERATION,
            Contract.status.in_(statuses),
            Contract.start_date <= on, Contract.end_date >= on,
        ).order_by(Contract.start_date.desc())
    ).first()


def current_operator(facility: Facility, on: date | None = None) -> Provider | None:
    """The provider operating the facility on day ``on`` (default today), or None."""
    if on is None and _PRELOADED in facility.__dict__:
        return facility.__dict__[_PRELOADED]
    contract = operation_contract(facility, on)
    return contract.provider if contract else None


def visible_operator(user: User | None, facility: Facility,
                     on: date | None = None) -> Provider | None:
    """The operator of ``facility`` on day ``on`` as ``user`` may be shown it: a provider's
    user is shown no other provider (DESIGN.md §1), not even the one that took over a home it
    once ran. The one rule of the facility and contract pages, the export and the API."""
    operator = current_operator(facility, on)
    if (operator is not None and user is not None and user.role is Role.PROVIDER
            and operator.id != user.provider_id):
        return None
    return operator


_PRELOADED = "_operator_today"


def preload_operators(facilities: list[Facility]) -> list[Facility]:
    """Find today's operator of every facility of a page in one statement (a list would
    otherwise ask once per row); :func:`current_operator` then answers from memory."""
    on = clock.today()
    rows = db.session.scalars(
        sa.select(Contract).where(
            Contract.facility_id.in_([f.id for f in facilities]),
            Contract.service_type == ServiceType.FACILITY_OPERATION,
            Contract.status == ContractStatus.ACTIVE,
            Contract.start_date <= on, Contract.end_date >= on,
        ).order_by(Contract.start_date)).all() if facilities else []
    latest = {c.facility_id: c.provider for c in rows}  # the latest start wins, as above
    for facility in facilities:
        facility.__dict__[_PRELOADED] = latest.get(facility.id)
    return facilities
