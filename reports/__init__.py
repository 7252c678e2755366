"""PDF scorecards, contract performance, dashboards and exports (Excel, OCDS)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import pages
from app.template_helpers import nav_item
from app.users.models import Role

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")

REPORTS = _l("Reports")
nav_item(_l("Performance dashboard"), "reports.dashboard", set(Role), REPORTS)
nav_item(_l("Exports (Excel)"), "reports.exports", set(Role), REPORTS)
nav_item(_l("Appeals"), "reports.appeal_list", {Role.ADMIN, Role.OFFICER, Role.PROVIDER}, REPORTS)
nav_item(_l("Inspection plan"), "reports.inspection_plan", {Role.ADMIN, Role.OFFICER}, REPORTS)
nav_item(_l("Yearly coverage"), "reports.coverage", {Role.ADMIN, Role.OFFICER}, REPORTS)

# what reports adds to the pages of contracts and evaluations
pages.add_link("contract.actions", _l("Performance and payment"),
               "reports.contract_performance_page",
               args=lambda contract: {"contract_id": contract.id},
               roles={Role.ADMIN, Role.OFFICER, Role.PROVIDER},
               applies=lambda contract: contract.status != "draft")
pages.add_link("inspection.actions", _l("Scorecard (PDF)"), "reports.inspection_scorecard",
               args=lambda inspection: {"inspection_id": inspection.id},
               applies=lambda inspection: inspection.status in ("submitted", "finalized"))
pages.add_link("campaign.actions", _l("All scorecards (ZIP)"), "reports.campaign_scorecards",
               args=lambda campaign: {"campaign_id": campaign.id},
               roles={Role.ADMIN, Role.OFFICER})
