"""Providers, facilities, procurement, contracts, submissions and household records."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.template_helpers import nav_item
from app.users.models import Role

bp = Blueprint("contracts", __name__, template_folder="templates")

nav_item(_l("Providers"), "contracts.providers", {Role.ADMIN, Role.OFFICER})

PROVIDER_KIND_LABELS = {
    "social_org": _l("Social organization (社会团体)"),
    "private_nonprofit": _l("Private non-profit unit (民办非企业单位)"),
    "foundation": _l("Foundation"),
    "company": _l("Company"),
    "other": _l("Other"),
}


@bp.app_context_processor
def _labels() -> dict:
    return {"PROVIDER_KIND_LABELS": PROVIDER_KIND_LABELS}

from contracts import seed, views  # noqa: E402,F401
