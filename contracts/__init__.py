"""Providers, facilities, procurement, contracts, submissions and household records."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.dashboard import Panel, panel_source
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
nav_item(_l("Red flags"), "contracts.red_flags", STAFF, PURCHASING)
nav_item(_l("My organization"), "contracts.my_organization", {Role.PROVIDER}, PURCHASING)
nav_item(_l("My reports"), "contracts.my_reports", {Role.PROVIDER}, DELIVERY)
nav_item(_l("Review queue"), "contracts.review_queue", STAFF, DELIVERY)
nav_item(_l("Spot checks"), "contracts.spot_check_list", EVERYONE, DELIVERY)
nav_item(_l("Anomalies"), "contracts.household_anomalies", STAFF, DELIVERY)
nav_item(_l("Assistance standards"), "contracts.household_standards", STAFF, DELIVERY)


@panel_source
def _home_panels(user) -> list[Panel]:
    """Providers see their reports due first; officers the reports waiting for review."""
    if user.role is Role.PROVIDER:
        return [Panel("contracts/_provider_home.html", columns="col-lg-8")]
    if user.role in STAFF:
        return [Panel("contracts/_review_queue.html", columns="col-lg-8")]
    return []
