"""Assessment templates, inspections, scoring, corrective actions and campaigns."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.template_helpers import nav_item
from app.users.models import Role

bp = Blueprint("evaluations", __name__, template_folder="templates", url_prefix="/evaluations")

STAFF = {Role.ADMIN, Role.OFFICER, Role.INSPECTOR}
EVALUATION = _l("Evaluation")
nav_item(_l("Inspections"), "evaluations.inspections", set(Role), EVALUATION)
nav_item(_l("Corrective actions"), "evaluations.action_list", set(Role), EVALUATION)
nav_item(_l("Campaigns"), "evaluations.campaign_list", STAFF, EVALUATION)
nav_item(_l("Assessment templates"), "evaluations.templates", STAFF, EVALUATION)

# routes and seed steps register themselves on import (demo_seed imports the steps it needs
# to follow, so their order does not depend on the order of this line)
from evaluations import demo_seed, seed  # noqa: E402,F401
from evaluations.actions import views as followup_views  # noqa: E402,F401
from evaluations.assessment import (
    editor_views,  # noqa: E402,F401
    views,  # noqa: E402,F401
)
from evaluations.inspections import views as inspection_views  # noqa: E402,F401
