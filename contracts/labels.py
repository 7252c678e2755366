"""Labels of every code of the contracts feature, in both languages (keys are the codes;
StrEnum members match). A module of its own, so that the services (which put a status into a
message) import it without the blueprint package; re-exported by ``contracts``."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

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
