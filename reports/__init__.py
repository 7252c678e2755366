"""PDF scorecards, contract performance, dashboards and exports (Excel, OCDS)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.template_helpers import nav_item
from app.users.models import Role

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")

REPORTS = _l("Reports")
nav_item(_l("Performance dashboard"), "reports.dashboard", set(Role), REPORTS)
nav_item(_l("Exports (Excel)"), "reports.exports", set(Role), REPORTS)
