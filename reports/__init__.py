"""PDF scorecards, dashboards and exports (Excel, OCDS)."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")

from reports import batch_views, views  # noqa: E402,F401
