"""Labels of every code of the contracts feature, in both languages (keys are the codes;
StrEnum members match). Services, views and the features above read them here."""

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
    # the usual targets of "other" services (policy outreach, training, reviews, home visits)
    "events": _l("Events held"),
    "trainees": _l("People trained"),
    "reviews": _l("Cases reviewed"),
    "visits": _l("Visits made"),
}


def target_label(key: str) -> str:
    """A target's label; a key no form offers (set through the API, or before the forms had
    one field per target) is still named as a target, not shown bare."""
    label = TARGET_LABELS.get(key)
    return str(label) if label is not None else str(_l("Other target “%(key)s”", key=key))


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
#: Bootstrap badge colours of the statuses of providers, procurements and contracts
STATUS_BADGES = {
    "active": "success", "draft": "secondary", "suspended": "warning", "debarred": "danger",
    "completed": "info", "terminated": "dark", "open": "primary", "awarded": "success",
    "cancelled": "secondary",
}
SUBMISSION_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for review"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
    "overdue": _l("Overdue"),
    "due": _l("Due"),
    "upcoming": _l("In progress"),
    "excused": _l("Not asked for (suspended)"),
}
SUBMISSION_BADGES = {"draft": "secondary", "submitted": "primary", "approved": "success",
                     "returned": "warning", "overdue": "danger", "due": "info",
                     "upcoming": "light", "excused": "light"}
SUBMISSION_EVENT_LABELS = {"submitted": _l("Submitted"), "resubmitted": _l("Resubmitted"),
                           "returned": _l("Returned for correction"), "approved": _l("Approved")}
RECOMMENDATION_LABELS = {
    "dibao": _l("Subsistence allowance (低保)"),
    "tekun": _l("Extreme poverty support (特困)"),
    "temporary": _l("Temporary assistance (临时救助)"),
    "none": _l("Not eligible (不符合)"),
}
ANOMALY_LABELS = {
    "income_above_standard": _l("Income above the subsistence standard"),
    "assets_above_limit": _l("Assets above the limit"),
    "income_far_below": _l("Income far below the standard, yet not eligible"),
    "surveyor_overload": _l("Too many households for one surveyor in a day"),
    "duplicate_id": _l("Same ID number under another contract in the period"),
}
AREA_LABELS = {"urban": _l("Urban (城镇)"), "rural": _l("Rural (农村)")}
SELECTED_AS_LABELS = {"random": _l("Drawn at random"),
                      "staff_relative": _l("Relative of staff: always re-checked"),
                      "flagged": _l("Flagged: always re-checked")}


def label_context() -> dict:
    """The labels every page may show (registered on the app by ``contracts.web``)."""
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
        "TARGET_LABELS": TARGET_LABELS, "target_label": target_label,
        "WEIGHT_LABELS": WEIGHT_LABELS,
        "AMENDMENT_FIELD_LABELS": AMENDMENT_FIELD_LABELS,
        "STATUS_BADGES": STATUS_BADGES,
        "SUBMISSION_STATUS_LABELS": SUBMISSION_STATUS_LABELS,
        "SUBMISSION_BADGES": SUBMISSION_BADGES,
        "SUBMISSION_EVENT_LABELS": SUBMISSION_EVENT_LABELS,
        "RECOMMENDATION_LABELS": RECOMMENDATION_LABELS,
        "ANOMALY_LABELS": ANOMALY_LABELS,
        "AREA_LABELS": AREA_LABELS,
        "SELECTED_AS_LABELS": SELECTED_AS_LABELS,
    }
