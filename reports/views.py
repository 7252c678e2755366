"""HTML and file views of the reports feature."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.regions.models import Region
from app.scoping import scope
from app.spreadsheets import XLSX_MIMETYPE, xlsx_bytes
from app.template_helpers import LEVEL_LABELS
from app.users.models import Role
from evaluations.inspections import get_visible_inspection
from reports import bp
from reports.services import inspection_by_code, inspection_scorecard_pdf, scorecard_filename


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


def pdf_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={filename}",
                             "X-Content-Type-Options": "nosniff"})


@bp.route("/inspections/<int:inspection_id>/scorecard.pdf")
@login_required
def inspection_scorecard(inspection_id: int):
    inspection = get_visible_inspection(current_user, inspection_id)
    return pdf_response(inspection_scorecard_pdf(inspection), scorecard_filename(inspection))




@bp.route("/verify/<code>")
def verify(code: str):
    """Anyone holding a printed scorecard can check that it is genuine and still current."""
    inspection = inspection_by_code(code)
    status = 404 if inspection is None else 200
    return render_template("reports/verify.html", code=code, inspection=inspection), status
