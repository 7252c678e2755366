"""HTML and file views of the reports feature."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.regions.models import Region
from app.scoping import scope
from app.template_helpers import LEVEL_LABELS
from app.users.models import Role
from reports import bp
from reports.excel import XLSX_MIMETYPE, xlsx_bytes


@bp.route("/regions.xlsx")
@login_required
def regions_xlsx():
    """The region codes a user works with, e.g. to fill a household-record file."""
    stmt = sa.select(Region).order_by(Region.code)
    if current_user.role is not Role.PROVIDER:
        stmt = scope(stmt, current_user, region=Region.id)
    rows = ((r.code, r.name, r.name_en, str(LEVEL_LABELS[r.level]),
             r.parent.code if r.parent else "") for r in db.session.scalars(stmt))
    body = xlsx_bytes(_("Regions"), [_("Code"), _("Name"), _("English name"), _("Level"),
                                     _("Parent code")], rows)
    return Response(body, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": "attachment; filename=regions.xlsx"})
