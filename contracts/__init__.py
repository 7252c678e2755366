"""Providers, facilities, procurement, contracts, submissions and household records."""

from decimal import Decimal

from flask import Blueprint, current_app, request, url_for
from flask_babel import format_decimal, lazy_pgettext
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound

from app.template_helpers import nav_item
from app.users.models import Role

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

# ---- labels of every code, in both languages (keys are the codes; StrEnum members match) --

PROVIDER_KIND_LABELS = {
    "social_org": _l("Social organization (社会团体)"),
    "private_nonprofit": _l("Private non-profit unit (民办非企业单位)"),
    "foundation": _l("Foundation"),
    "company": _l("Company"),
    "other": _l("Other"),
}
PROVIDER_STATUS_LABELS = {
    "active": lazy_pgettext("provider status", "Active"),
    "suspended": _l("Suspended"),
    "debarred": _l("Debarred"),
}
FACILITY_KIND_LABELS = {
    "elderly_home": _l("Elderly home"),
    "rural_home": _l("Rural elderly home (敬老院)"),
    "child_welfare": _l("Child welfare centre"),
}
WARD_LABELS = {
    "self_care": _l("Self-care"),
    "semi_disabled": _l("Semi-disabled"),
    # a context apart from the "Disabled" of user accounts: 失能, not 停用
    "disabled": lazy_pgettext("ward", "Disabled"),
}
SERVICE_TYPE_LABELS = {
    "household_survey": _l("Household survey"),
    "facility_operation": _l("Facility operation"),
    "entrusted_care": _l("Entrusted care"),
    "other": _l("Other service"),
}
METHOD_LABELS = {
    "open_tender": _l("Open tender"),
    "competitive_consultation": _l("Competitive consultation"),
    "single_source": _l("Single source"),
    "request_for_quotation": _l("Request for quotation"),
}
PROCUREMENT_STATUS_LABELS = {
    "open": _l("Open"),
    "awarded": _l("Awarded"),
    "cancelled": _l("Cancelled"),
}
REPORTING_LABELS = {"monthly": _l("Monthly"), "quarterly": _l("Quarterly")}
CONTRACT_STATUS_LABELS = {
    "draft": _l("Draft"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "completed": _l("Completed"),
    "terminated": _l("Terminated"),
}
#: the button that moves a contract to a status
TRANSITION_LABELS = {
    "active": _l("Activate"),
    "suspended": _l("Suspend"),
    "completed": _l("Complete"),
    "terminated": _l("Terminate"),
}
TARGET_LABELS = {
    "households": _l("Households"),
    "beds": _l("Beds"),
    "occupancy": _l("Occupancy (%)"),
    "children": _l("Children"),
}
WEIGHT_LABELS = {
    "inspection": _l("Inspections"),
    "timeliness": _l("Timeliness"),
    "targets": _l("Targets"),
}
AMENDMENT_FIELD_LABELS = {
    "amount": _l("Amount"),
    "end_date": _l("End date"),
    "targets": _l("Targets"),
}
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
from contracts import household_seed, household_views  # noqa: E402,F401

bp.add_app_template_filter(yuan, "yuan")

from contracts import document_views, listing, seed, submission_seed, submission_views, views  # noqa: E402,F401  # noqa: E402,F401
