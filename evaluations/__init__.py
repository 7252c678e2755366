"""Assessment templates, inspections, scoring, corrective actions and campaigns."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import pages
from app.template_helpers import nav_item
from app.users.models import Role
from evaluations.labels import label_context

bp = Blueprint("evaluations", __name__, template_folder="templates", url_prefix="/evaluations")

STAFF = {Role.ADMIN, Role.OFFICER, Role.INSPECTOR}
EVALUATION = _l("Evaluation")
nav_item(_l("Inspections"), "evaluations.inspections", set(Role), EVALUATION)
nav_item(_l("Corrective actions"), "evaluations.action_list", set(Role), EVALUATION)
nav_item(_l("Campaigns"), "evaluations.campaign_list", STAFF, EVALUATION)
nav_item(_l("Assessment templates"), "evaluations.templates", STAFF, EVALUATION)
bp.app_context_processor(label_context)

# what evaluations adds to the pages of contracts
pages.add_panel("contract.panels", "evaluations/_contract_inspections.html")
pages.add_panel("facility.panels", "evaluations/_facility_inspections.html")
pages.add_link("facility.actions", _l("Corrective actions of this home"),
               "evaluations.facility_actions", args=lambda facility: {"facility_id": facility.id},
               roles={Role.OFFICER, Role.ADMIN, Role.INSPECTOR})
