"""Assessment templates, inspections, scoring, corrective actions and campaigns."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

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
