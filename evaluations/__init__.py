"""Assessment templates, inspections, scoring, corrective actions and campaigns."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.template_helpers import nav_item
from app.users.models import Role

bp = Blueprint("evaluations", __name__, template_folder="templates", url_prefix="/evaluations")

nav_item(_l("Checklists"), "evaluations.builtin_templates",
         {Role.ADMIN, Role.OFFICER, Role.INSPECTOR})

from evaluations import views  # noqa: E402,F401
