"""``/api/v1`` endpoints of the reports feature: open data (OCDS)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.api.auth import api_user, token_required
from app.errors import NotFound
from app.users.models import Role
from evaluations.inspections import get_visible_inspection
from reports.ocds import release_package
from reports.services import inspection_scorecard_pdf, scorecard_filename
from reports.views import pdf_response

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1",
                description="Scorecards, performance and open contracting data")


@blp.route("/ocds/releases.json")
class OcdsReleases(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.response(200, description="An OCDS 1.1 release package (JSON Schema draft 4)")
    @blp.alt_response(404, description="No published contract is visible to the caller")
    def get(self):
        """The contracts the caller may see, as an OCDS 1.1 release package.

        One release per non-draft contract: parties, tender, award, contract, amendments and
        implementation (transactions for installments paid; milestones of types payment,
        assessment and reporting).
        """
        package = release_package(api_user(), request.base_url)
        if not package["releases"]:
            # a release package must hold at least one release (OCDS schema: minItems 1)
            raise NotFound(_("There is no published contract to release."))
        return package


@blp.route("/inspections/<int:inspection_id>/scorecard.pdf")
class InspectionScorecard(MethodView):
    @token_required()
    @blp.response(200, description="The inspection scorecard (application/pdf)")
    @blp.alt_response(404, description="No such inspection, or not visible to the caller")
    def get(self, inspection_id: int):
        """The PDF scorecard of an inspection: same visibility as GET /inspections/{id}."""
        inspection = get_visible_inspection(api_user(), inspection_id)
        return pdf_response(inspection_scorecard_pdf(inspection), scorecard_filename(inspection))
