"""Assistance standards (低保标准, 特困 standard, 低保边缘 threshold, asset limit) by county, year
and area, with the history of every change, and the standard in force on a survey date.

Rules:

- A standard belongs to the city or to a county, for one year and one area (urban or rural).
  Officers edit the standards of their own region's subtree (a county officer: their county's);
  they read those and the ones above them (the city's, which their county follows when it has
  none). Admins edit all. Every save is kept as an :class:`AssistanceStandardChange`.
- The 特困 standard defaults to 1.3 × and the near-poor threshold to 1.5 × the 低保 standard
  (rounded half up to the fen) when not given; both are editable.
- In force on a day, for a region and an area: the nearest region up the tree (the region,
  its county, the city) that has a standard of that area for that year or an earlier one, and
  of its standards the latest such year. A record without an area (recorded before the area
  column) is judged against the rural standard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import one_visible, region_subtree
from app.template_helpers import region_name
from app.unit_of_work import claim_row, expect_stamp, page_stamp
from app.users.models import Role, User
from contracts.households.models import Area, AssistanceStandard, AssistanceStandardChange

TEKUN_FACTOR = Decimal("1.3")
NEAR_POOR_FACTOR = Decimal("1.5")
#: levels of region a standard belongs to
STANDARD_LEVELS = (Level.CITY, Level.COUNTY)
AMOUNTS = ("dibao_monthly", "tekun_monthly", "near_poor_monthly", "asset_limit_per_person")
_CENT = Decimal("0.01")
_MAX_AMOUNT = Decimal(10) ** 6
_MAX_ASSETS = Decimal(10) ** 10


# ---- who sees and edits what -------------------------------------------------------------

def _ancestor_ids(path: str) -> list[int]:
    """Ids on a region's path, the city first and the region itself last."""
    return [int(part) for part in path.strip("/").split("/") if part]


def visible_standards(user: User) -> sa.Select:
    """Admins: all. Officers: their subtree's and their ancestors'. Others: none."""
    stmt = sa.select(AssistanceStandard).join(AssistanceStandard.region)
    if user.role is Role.ADMIN:
        return stmt
    if user.role is Role.OFFICER and user.region is not None:
        return stmt.where(sa.or_(
            AssistanceStandard.region_id.in_(region_subtree(user.region)),
            AssistanceStandard.region_id.in_(_ancestor_ids(user.region.path))))
    return stmt.where(sa.false())


def standards_stmt(user: User, *, year: int | None = None, area: str | None = None,
                   region: Region | None = None) -> sa.Select:
    """The standards ``user`` may see, filtered; by region code, the latest year first."""
    stmt = visible_standards(user)
    if year is not None:
        stmt = stmt.where(AssistanceStandard.year == year)
    if area in (Area.URBAN.value, Area.RURAL.value):
        stmt = stmt.where(AssistanceStandard.area == area)
    if region is not None:
        stmt = stmt.where(AssistanceStandard.region_id == region.id)
    return stmt.order_by(Region.code, AssistanceStandard.year.desc(), AssistanceStandard.area)


def get_visible_standard(user: User, standard_id: Any) -> AssistanceStandard:
    return one_visible(visible_standards(user), AssistanceStandard.id, standard_id)


def may_edit(user: User, region: Region) -> bool:
    if user.role is Role.ADMIN:
        return True
    return (user.role is Role.OFFICER and user.region is not None
            and user.region.contains(region))


def editable_regions(user: User) -> list[Region]:
    """The city and counties ``user`` may set standards for, by code."""
    stmt = sa.select(Region).where(Region.level.in_(STANDARD_LEVELS))
    if user.role is not Role.ADMIN:
        if user.role is not Role.OFFICER or user.region is None:
            return []
        stmt = stmt.where(Region.id.in_(region_subtree(user.region)))
    return list(db.session.scalars(stmt.order_by(Region.code)))


# ---- saving ------------------------------------------------------------------------------

def _amount(value: Any, field: str, errors: dict, *, limit: Decimal = _MAX_AMOUNT,
            zero: bool = False) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount in yuan like 750.00."))
        return None
    if (not amount.is_finite() or amount < 0 or (amount == 0 and not zero) or amount >= limit
            or amount != amount.quantize(_CENT)):
        errors.setdefault(field, []).append(
            _("Enter an amount of 0 or more with at most 2 decimals.") if zero else
            _("Enter an amount above 0 with at most 2 decimals."))
        return None
    return amount.quantize(_CENT)


def _times(amount: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if amount is None else (amount * factor).quantize(_CENT, ROUND_HALF_UP)


def _snapshot(standard: AssistanceStandard) -> dict[str, str | None]:
    return {name: (None if getattr(standard, name) is None else f"{getattr(standard, name):.2f}")
            for name in AMOUNTS}


def _region(value: Region | str | None, user: User | None, errors: dict) -> Region | None:
    region = value
    if isinstance(value, str):
        region = db.session.scalar(sa.select(Region).where(Region.code == value.strip()))
    if region is None:
        errors.setdefault("region_code", []).append(_("Choose the city or a county."))
    elif region.level not in STANDARD_LEVELS:
        errors.setdefault("region_code", []).append(
            _("Standards are set for the city or a county, not for %(name)s.",
              name=region_name(region)))
    elif user is not None and not may_edit(user, region):
        errors.setdefault("region_code", []).append(
            _("You may set standards only for your own region."))
    return region


def _year(value: Any, errors: dict) -> int | None:
    text = "" if isinstance(value, bool) else str(value).strip()
    # four ASCII digits: "²⁰²⁶" passes isdigit() but is no number int() reads
    if not re.fullmatch(r"[0-9]{4}", text) or not 2000 <= int(text) <= 2100:
        errors.setdefault("year", []).append(_("Enter a year from 2000 to 2100."))
        return None
    return int(text)


def save_standard(*, region: Region | str | None, year: Any, area: Any, dibao_monthly: Any,
                  tekun_monthly: Any = None, near_poor_monthly: Any = None,
                  asset_limit_per_person: Any = None, actor: User | None
                  ) -> tuple[AssistanceStandard, bool]:
    """Set the standard of (region, year, area): create it, or change it keeping the change.
    Returns the standard and whether it was created. ``ValidationError`` names each field."""
    errors: dict[str, list[str]] = {}
    region = _region(region, actor, errors)
    year = _year(year, errors)
    if str(area) not in (Area.URBAN.value, Area.RURAL.value):
        errors.setdefault("area", []).append(_("Choose urban or rural."))
    dibao = _amount(dibao_monthly, "dibao_monthly", errors)
    given = {"tekun_monthly": tekun_monthly, "near_poor_monthly": near_poor_monthly}
    tekun, near_poor = (
        _amount(value, name, errors) if value not in (None, "") else
        _times(dibao, TEKUN_FACTOR if name == "tekun_monthly" else NEAR_POOR_FACTOR)
        for name, value in given.items())
    assets = None
    if asset_limit_per_person not in (None, ""):
        assets = _amount(asset_limit_per_person, "asset_limit_per_person", errors,
                         limit=_MAX_ASSETS, zero=True)
    if dibao is not None and near_poor is not None and near_poor < dibao:
        errors.setdefault("near_poor_monthly", []).append(
            _("The near-poor threshold cannot lie below the 低保 standard (%(amount)s).",
              amount=f"{dibao:.2f}"))
    if errors:
        raise ValidationError(_("The standard was not saved."), errors)
    standard = stored_standard(region, year, str(area))
    created = standard is None
    before = {} if created else _snapshot(standard)
    if created:
        standard = AssistanceStandard(region=region, year=year, area=Area(str(area)))
        db.session.add(standard)
    standard.dibao_monthly, standard.tekun_monthly = dibao, tekun
    standard.near_poor_monthly, standard.asset_limit_per_person = near_poor, assets
    standard.updated_by_id = actor.id if actor is not None else None
    after = _snapshot(standard)
    if after != before:
        standard.changes.append(AssistanceStandardChange(
            before=before, after=after, actor_id=standard.updated_by_id, at=clock.now()))
    db.session.flush()
    return standard, created


def stored_standard(region: Region, year: int, area: str) -> AssistanceStandard | None:
    """The standard of (region, year, area), if one is stored."""
    return db.session.scalar(sa.select(AssistanceStandard).where(
        AssistanceStandard.region_id == region.id, AssistanceStandard.year == year,
        AssistanceStandard.area == area))


def standard_stamp(standard: AssistanceStandard) -> str:
    """A digest of the amounts a standard's page shows."""
    return page_stamp(sorted(_snapshot(standard).items()))


def change_standard(standard: AssistanceStandard, *, actor: User | None,
                    seen: str | None = None, **amounts: Any) -> AssistanceStandard:
    """Change the amounts of an existing standard (its region, year and area stay).

    ``seen``: the :func:`standard_stamp` the page showed; changed since → ``Conflict`` (the
    page sends every amount: it would put back one another officer had just changed). Held
    for the change, so that two at once are kept in its history one after the other."""
    if actor is not None and not may_edit(actor, standard.region):
        raise Forbidden(_("You may change only the standards of your own region."))
    claim_row(standard, lambda: expect_stamp(seen, standard_stamp(standard), "the standard"))
    values = _snapshot(standard) | amounts
    saved, _created = save_standard(region=standard.region, year=standard.year,
                                    area=standard.area.value, actor=actor, **values)
    return saved


# ---- the standard in force -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InForce:
    """The amounts of one standard, as applied to a record."""

    standard_id: int
    region_name: str
    year: int
    area: str
    dibao: Decimal
    tekun: Decimal
    near_poor: Decimal
    asset_limit: Decimal | None


def in_force(keys: Iterable[tuple[int, str | None, int]]) -> dict[tuple[int, str, int], InForce]:
    """The standard in force for each (region id, area, year); the area ``None`` is judged
    as rural. Keys without any standard are left out. One query for the regions, one for the
    standards of their ancestors."""
    wanted = {(region_id, area or Area.RURAL.value, year) for region_id, area, year in keys}
    if not wanted:
        return {}
    paths = dict(db.session.execute(sa.select(Region.id, Region.path).where(
        Region.id.in_({region_id for region_id, _a, _y in wanted}))).all())
    chains = {region_id: _ancestor_ids(path) for region_id, path in paths.items()}
    ancestor_ids = {a for chain in chains.values() for a in chain}
    by_region: dict[tuple[int, str], list[AssistanceStandard]] = {}
    for standard in db.session.scalars(
            sa.select(AssistanceStandard).where(AssistanceStandard.region_id.in_(ancestor_ids))
            .order_by(AssistanceStandard.year)):
        by_region.setdefault((standard.region_id, standard.area.value), []).append(standard)
    found = {}
    for region_id, area, year in wanted:
        for ancestor in reversed(chains.get(region_id, [])):  # nearest first
            earlier = [s for s in by_region.get((ancestor, area), []) if s.year <= year]
            if earlier:
                s = earlier[-1]
                found[(region_id, area, year)] = InForce(
                    s.id, s.region.name, s.year, s.area.value, s.dibao_monthly,
                    s.tekun_monthly, s.near_poor_monthly, s.asset_limit_per_person)
                break
    return found


def standard_on(region: Region, area: str | None, day: date) -> InForce | None:
    """The standard in force for ``region`` and ``area`` on ``day``."""
    key = (region.id, area or Area.RURAL.value, day.year)
    return in_force([key]).get(key)
