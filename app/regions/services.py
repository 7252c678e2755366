"""Operations on the region tree. They flush, never commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.unit_of_work import hold_key


def _hold_the_tree(*regions: Region | None) -> None:
    """Until the commit: the only change of the tree, then ``regions`` as stored. A path is the
    parent's path and the region's id, and a move rewrites the paths below it as it read them:
    a region made or moved under one being moved kept a path in the old place (its old county's
    officers saw it, the new county's did not)."""
    hold_key("regions", "tree")
    for region in regions:
        if region is not None:
            db.session.refresh(region)


def get_by_code(code: str) -> Region | None:
    return db.session.scalar(sa.select(Region).where(Region.code == code.strip()))


def root_region() -> Region | None:
    """The top of the tree (the city), the first by code if there are several."""
    return db.session.scalar(sa.select(Region).where(Region.parent_id.is_(None))
                             .order_by(Region.code).limit(1))


def require_region(code: str, field: str = "region_code") -> Region:
    region = get_by_code(code or "")
    if region is None:
        raise ValidationError(_("Unknown region code %(code)s.", code=code), {field: [
            _("No region has this code.")]})
    return region


#: the digits of a statistical division code at each level (GB/T 2260 and its extension)
CODE_DIGITS = {Level.CITY: 6, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}


def _check_code_digits(code: str, level: Level) -> None:
    """A code of another level's length (a township with a county's six digits) passed for a
    region of that level in every list of codes."""
    if len(code) != CODE_DIGITS[level]:
        raise ValidationError(_("The region was not created."), {"code": [_(
            "Statistical division code: 6 digits for a city or county, 9 for a township, 12 "
            "for a village.")]})


def _check_parent(level: Level, parent: Region | None) -> None:
    if parent is None:
        if level is not Level.CITY:
            raise ValidationError(_("Only a city can stand at the top of the tree."),
                                  {"parent_code": [_("A parent region is required.")]})
        return
    if parent.level.depth != level.depth - 1:
        raise ValidationError(
            _("This level must sit directly under the level above it."),
            {"parent_code": [_("Wrong level for a parent.")]},
        )


def create_region(code: str, name: str, level: Level | str, parent_code: str | None,
                  name_en: str = "") -> Region:
    code, name = (code or "").strip(), (name or "").strip()
    level = Level(level)
    errors: dict[str, list[str]] = {}
    # ASCII only: "²" and "٣" pass isdigit() but are no administrative code
    if not (code.isascii() and code.isdigit()) or len(code) not in (6, 9, 12):
        errors["code"] = [_("A region code has 6, 9 or 12 digits.")]
    elif get_by_code(code) is not None:
        errors["code"] = [_("This code is already used.")]
    if not name:
        errors["name"] = [_("A name is required.")]
    if errors:
        raise ValidationError(_("The region was not created."), errors)
    parent = require_region(parent_code, "parent_code") if parent_code else None
    _hold_the_tree(parent)
    _check_parent(level, parent)
    _check_code_digits(code, level)
    region = Region(code=code, name=name, name_en=(name_en or "").strip(), level=level,
                    parent=parent)
    db.session.add(region)
    db.session.flush()  # the id is part of the path
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    return region


def rename_region(region: Region, name: str, name_en: str | None = None) -> Region:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A name is required."),
                              {"name": [_("A name is required.")]})
    region.name = name
    if name_en is not None:
        region.name_en = name_en.strip()
    return region


def move_region(region: Region, new_parent: Region) -> Region:
    """Hang ``region`` and its subtree under ``new_parent``."""
    _hold_the_tree(region, new_parent)
    if region.contains(new_parent):
        raise ValidationError(
            _("A region cannot be moved under itself or one of its own descendants."),
            {"parent_code": [_("This region lies inside the one being moved.")]},
        )
    _check_parent(region.level, new_parent)
    old_prefix = region.path
    new_prefix = f"{new_parent.path}{region.id}/"
    descendants = db.session.scalars(
        sa.select(Region).where(Region.path.startswith(old_prefix), Region.id != region.id)
        .execution_options(populate_existing=True)  # the page loaded them before the hold
    ).all()
    region.parent = new_parent
    region.path = new_prefix
    for child in descendants:
        child.path = new_prefix + child.path[len(old_prefix):]
    db.session.flush()
    return region


def tree_rows(root: Region | None = None) -> list[Region]:
    """Regions in depth-first order (by path), optionally below ``root``."""
    stmt = sa.select(Region)
    if root is not None:
        stmt = stmt.where(Region.path.startswith(root.path))
    return list(db.session.scalars(stmt.order_by(Region.path)))
