"""The administrative region tree: city → county → township → village."""

from __future__ import annotations

import enum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin
from app.extensions import db


class Level(enum.StrEnum):
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @property
    def depth(self) -> int:
        return _DEPTHS[self]


_DEPTHS = {level: depth for depth, level in enumerate(Level)}


def display_name(name: str, name_en: str | None, locale: str | None) -> str:
    """A region's name in ``locale``: the English name in English where there is one."""
    if locale and locale.startswith("en") and name_en:
        return name_en
    return name


class Region(TimestampMixin, db.Model):
    __tablename__ = "regions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: statistical division code (GB/T 2260 and its 9/12-digit extensions)
    code: so.Mapped[str] = so.mapped_column(sa.String(12), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: pinyin or English name, shown in the English UI
    name_en: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    level: so.Mapped[Level] = so.mapped_column(
        sa.Enum(Level, name="region_level", native_enum=False, create_constraint=True, length=16,
                values_callable=lambda e: [m.value for m in e])
    )
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: materialized path of ids, "/1/4/17/", so that a subtree is one indexed prefix match
    path: so.Mapped[str] = so.mapped_column(sa.String(255), index=True, default="")

    parent: so.Mapped[Region | None] = so.relationship(remote_side=[id], back_populates="children")
    children: so.Mapped[list[Region]] = so.relationship(
        back_populates="parent", order_by="Region.code"
    )

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"

    @property
    def parent_code(self) -> str | None:
        return self.parent.code if self.parent else None

    def display_name(self, locale: str | None = None) -> str:
        return display_name(self.name, self.name_en, locale)

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)
