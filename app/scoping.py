"""What the current user may see: the one helper every list and lookup goes through.

Admins see everything; officers and inspectors the subtree of their region; providers their own
organization's rows. A feature names the columns that carry the region and the provider of its
rows; a role whose column is not named sees nothing (deny by default).
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.regions.models import Region
from app.users.models import REGION_ROLES, Role, User

S = TypeVar("S", bound=sa.Select)


def region_subtree(region: Region) -> sa.Select:
    """Ids of ``region`` and every region below it (paths hold only digits and slashes)."""
    return sa.select(Region.id).where(Region.path.startswith(region.path))


def visibility_clause(
    user: User,
    *,
    region: sa.ColumnElement | None = None,
    provider: sa.ColumnElement | None = None,
) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting rows to what ``user`` may see."""
    if user.role is Role.ADMIN:
        return sa.true()
    if user.role in REGION_ROLES and region is not None and user.region is not None:
        return region.in_(region_subtree(user.region))
    if user.role is Role.PROVIDER and provider is not None and user.provider_id is not None:
        return provider == user.provider_id
    return sa.false()


def scope(
    stmt: S,
    user: User,
    *,
    region: sa.ColumnElement | None = None,
    provider: sa.ColumnElement | None = None,
) -> S:
    """``stmt`` filtered to what ``user`` may see."""
    return stmt.where(visibility_clause(user, region=region, provider=provider))


def get_visible_or_404(
    model: type,
    ident: Any,
    user: User,
    *,
    region: sa.ColumnElement | None = None,
    provider: sa.ColumnElement | None = None,
) -> Any:
    """Load one row the user may see; anything else is a 404, exactly like a missing row."""
    pk = sa.inspect(model).primary_key[0]
    stmt = scope(sa.select(model).where(pk == ident), user, region=region, provider=provider)
    obj = db.session.scalars(stmt).first()
    if obj is None:
        abort(404)
    return obj
