"""PDF scorecards, dashboards and exports (Excel, OCDS)."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")

from reports.dashboards import views as dashboard_views  # noqa: E402,F401
from reports.exports import views as export_views  # noqa: E402,F401
from reports.scorecards import (
    batch_views,  # noqa: E402,F401
    views,  # noqa: E402,F401
)
from reports.scorecards.pdf import grade_label  # noqa: E402

bp.add_app_template_global(grade_label, "grade_label")
