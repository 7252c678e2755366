"""Providers, facilities, procurement, contracts, submissions and household records."""

from decimal import Decimal

from flask import Blueprint, current_app, request, url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound

from app.template_helpers import nav_item
from app.users.models import Role
from contracts.labels import (
    AMENDMENT_FIELD_LABELS,
    CONTRACT_STATUS_LABELS,
    FACILITY_KIND_LABELS,
    METHOD_LABELS,
    PROCUREMENT_STATUS_LABELS,
    PROVIDER_KIND_LABELS,
    PROVIDER_STATUS_LABELS,
    REPORTING_LABELS,
    SERVICE_TYPE_LABELS,
    TARGET_LABELS,
    TRANSITION_LABELS,
    WARD_LABELS,
    WEIGHT_LABELS,
)

bp = Blueprint("contracts", __name__, template_folder="templates")

STAFF = {Role.ADMIN, Role.OFFICER}
EVERYONE = {Role.ADMIN, Role.OFFICER, Role.INSPECTOR, Role.PROVIDER}

PURCHASING = _l("Procurement & contracts")
DELIVERY = _l("Service delivery")
nav_item(_l("Contracts"), "contracts.contracts", EVERYONE, PURCHASING)
nav_item(_l("Providers"), "contracts.providers", STAFF, PURCHASING)
nav_item(_l("Facilities"), "contracts.facilities", EVERYONE, PURCHASING)
nav_item(_l("Procurement"), "contracts.procurements", STAFF, PURCHASING)
nav_item(_l("My organization"), "contracts.my_organization", {Role.PROVIDER}, PURCHASING)
nav_item(_l("My reports"), "contracts.my_reports", {Role.PROVIDER}, DELIVERY)
nav_item(_l("Review queue"), "contracts.review_queue", STAFF, DELIVERY)
nav_item(_l("Spot checks"), "contracts.spot_check_list", EVERYONE, DELIVERY)
nav_item(_l("Anomalies"), "contracts.household_anomalies", STAFF, DELIVERY)
nav_item(_l("Subsistence standards"), "contracts.household_standards", STAFF, DELIVERY)

STATUS_BADGES = {
    "active": "success", "draft": "secondary", "suspended": "warning", "debarred": "danger",
    "completed": "info", "terminated": "dark", "open": "primary", "awarded": "success",
    "cancelled": "secondary",
}


def yuan(value) -> str:
    """Money as ¥120,000.00 (empty for None)."""
    if value is None or value == "":
        return ""
    return "¥" + format_decimal(Decimal(str(value)), format="#,##0.00")


def export_url() -> str:
    """The current list's URL with ``format=xlsx`` (all pages)."""
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    args["format"] = ["xlsx"]
    return url_for(request.endpoint, **request.view_args, **args)


def template_exists(name: str) -> bool:
    """Whether another feature provides ``name`` (an optional include)."""
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True


@bp.app_context_processor
def _labels() -> dict:
    return {
        "PROVIDER_KIND_LABELS": PROVIDER_KIND_LABELS,
        "PROVIDER_STATUS_LABELS": PROVIDER_STATUS_LABELS,
        "FACILITY_KIND_LABELS": FACILITY_KIND_LABELS,
        "WARD_LABELS": WARD_LABELS,
        "SERVICE_TYPE_LABELS": SERVICE_TYPE_LABELS,
        "METHOD_LABELS": METHOD_LABELS,
        "PROCUREMENT_STATUS_LABELS": PROCUREMENT_STATUS_LABELS,
        "REPORTING_LABELS": REPORTING_LABELS,
        "CONTRACT_STATUS_LABELS": CONTRACT_STATUS_LABELS,
        "TRANSITION_LABELS": TRANSITION_LABELS,
        "TARGET_LABELS": TARGET_LABELS,
        "WEIGHT_LABELS": WEIGHT_LABELS,
        "AMENDMENT_FIELD_LABELS": AMENDMENT_FIELD_LABELS,
        "STATUS_BADGES": STATUS_BADGES,
        "export_url": export_url,
        "template_exists": template_exists,
    }


# household-survey records, spot checks (own import block: household_seed runs after seed)
from contracts.households import seed as household_seed  # noqa: E402,F401
from contracts.households import views as household_views  # noqa: E402,F401

bp.add_app_template_filter(yuan, "yuan")

from contracts import listing, seed  # noqa: E402,F401
from contracts.documents import views as document_views  # noqa: E402,F401
from contracts.submissions import seed as submission_seed  # noqa: E402,F401
from contracts.submissions import views as submission_views  # noqa: E402,F401
from contracts.views import contracts as contract_views  # noqa: E402,F401
from contracts.views import facilities as facility_views  # noqa: E402,F401
from contracts.views import procurement as procurement_views  # noqa: E402,F401
from contracts.views import providers as views  # noqa: E402,F401
