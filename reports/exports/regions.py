"""The region codes a user works with, as a one-sheet workbook."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.regions.models import Region
from app.scoping import scope
from app.spreadsheets import xlsx_bytes
from app.template_helpers import LEVEL_LABELS
from app.users.models import Role, User


def visible_regions(user: User) -> list[Region]:
    """All regions for a provider; for anyone else, the regions of their own area."""
    stmt = sa.select(Region).order_by(Region.code)
    if user.role is not Role.PROVIDER:
        stmt = scope(stmt, user, region=Region.id)
    return list(db.session.scalars(stmt))


def regions_xlsx(user: User) -> bytes:
    rows = ((r.code, r.name, r.name_en, str(LEVEL_LABELS[r.level]),
             r.parent.code if r.parent else "") for r in visible_regions(user))
    return xlsx_bytes(_("Regions"), [_("Code"), _("Name"), _("English name"), _("Level"),
                                     _("Parent code")], rows)
