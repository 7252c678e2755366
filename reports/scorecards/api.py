"""``/api/v1`` endpoints of the scorecards: an inspection's PDF scorecard."""

from __future__ import annotations

from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from evaluations.inspections.services import get_visible_inspection
from reports.scorecards.responses import pdf_response
from reports.scorecards.services import inspection_scorecard_pdf, scorecard_filename

blp = Blueprint("api_scorecards", __name__, url_prefix="/api/v1",
                description="PDF scorecards of inspections")


@blp.route("/inspections/<int:inspection_id>/scorecard.pdf")
class InspectionScorecard(MethodView):
    @token_required()
    @blp.response(200, description="The inspection scorecard (application/pdf)")
    @blp.alt_response(404, description="No such inspection, or not visible to the caller")
    def get(self, inspection_id: int):
        """The PDF scorecard of an inspection: same visibility as GET /inspections/{id}."""
        inspection = get_visible_inspection(api_user(), inspection_id)
        return pdf_response(inspection_scorecard_pdf(inspection), scorecard_filename(inspection))
