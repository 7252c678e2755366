"""PDF scorecards, dashboards and exports (Excel, OCDS)."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")

from reports import batch_views, dashboard_views, export_views, views  # noqa: E402,F401
from reports.pdf import grade_label  # noqa: E402

bp.add_app_template_global(grade_label, "grade_label")
