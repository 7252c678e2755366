"""Labels of every code of the evaluations feature (grades, statuses, severities, kinds), in both
languages; keys are the codes (StrEnum members match). Services, views, exports and the reports
feature read them here, never from a views or forms module."""

from flask_babel import lazy_gettext as _l

from evaluations.actions.models import ActionStatus, Severity
from evaluations.assessment.bands import grade_names
from evaluations.assessment.models import TemplateStatus, TemplateTarget
from evaluations.campaigns.models import Assignment, Recurrence
from evaluations.inspections.models import Grade, InspectionStatus

INSPECTION_STATUS_LABELS = {
    InspectionStatus.SCHEDULED: _l("Scheduled"),
    InspectionStatus.IN_PROGRESS: _l("In progress"),
    InspectionStatus.SUBMITTED: _l("Submitted"),
    InspectionStatus.FINALIZED: _l("Finalized"),
    InspectionStatus.CANCELLED: _l("Cancelled"),
}
GRADE_LABELS = {Grade.EXCELLENT: _l("Excellent"), Grade.GOOD: _l("Good"), Grade.PASS: _l("Pass"),
                Grade.FAIL: _l("Fail")}
#: grades in Chinese, shown beside the label whatever the language (the scorecards' words)
GRADE_ZH = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.PASS: "合格", Grade.FAIL: "不合格"}
GRADE_STYLES = {Grade.EXCELLENT: "success", Grade.GOOD: "primary", Grade.PASS: "warning",
                Grade.FAIL: "danger"}
TEMPLATE_STATUS_LABELS = {TemplateStatus.DRAFT: _l("Draft"),
                          TemplateStatus.PUBLISHED: _l("Published"),
                          TemplateStatus.RETIRED: _l("Retired")}
#: what a template assesses: a welfare home, or a contract's service
TEMPLATE_TARGET_LABELS = {TemplateTarget.FACILITY: _l("for a facility"),
                          TemplateTarget.CONTRACT: _l("for a contract")}
#: the kind labels of the editor's select and the exports (KINDS carries English labels only)
ITEM_KIND_LABELS = {"points": _l("Points"), "yes_no": _l("Yes / no"),
                    "reading": _l("Measured reading")}

SEVERITY_LABELS = {
    Severity.RED: _l("Red (major hazard)"),
    Severity.ORANGE: _l("Orange"),
    Severity.YELLOW: _l("Yellow"),
    Severity.BLUE: _l("Blue (minor)"),
}
SEVERITY_BADGES = {Severity.RED: "danger", Severity.ORANGE: "warning",
                   Severity.YELLOW: "warning text-dark", Severity.BLUE: "info"}
ACTION_STATUS_LABELS = {ActionStatus.OPEN: _l("Open"), ActionStatus.ANSWERED: _l("Answered"),
                        ActionStatus.CLOSED: _l("Closed")}

ASSIGNMENT_LABELS = {
    Assignment.BY_REGION: _l("By region: the inspector of the deepest region containing the home"),
    Assignment.ROUND_ROBIN: _l("In turn: the chosen inspectors one after the other"),
}
RECURRENCE_LABELS = {Recurrence.NONE: _l("Once"), Recurrence.YEARLY: _l("Every year"),
                     Recurrence.SURVEY_WINDOWS: _l("Each three-week survey window")}


def label_context() -> dict:
    """The labels every page may show (registered on the app by the package)."""
    return {
        "INSPECTION_STATUS_LABELS": INSPECTION_STATUS_LABELS, "GRADE_LABELS": GRADE_LABELS,
        "GRADE_ZH": GRADE_ZH, "GRADE_STYLES": GRADE_STYLES,
        "TEMPLATE_STATUS_LABELS": TEMPLATE_STATUS_LABELS,
        "TEMPLATE_TARGET_LABELS": TEMPLATE_TARGET_LABELS, "ITEM_KIND_LABELS": ITEM_KIND_LABELS,
        "SEVERITY_LABELS": SEVERITY_LABELS, "SEVERITY_BADGES": SEVERITY_BADGES,
        "ACTION_STATUS_LABELS": ACTION_STATUS_LABELS, "ASSIGNMENT_LABELS": ASSIGNMENT_LABELS,
        "RECURRENCE_LABELS": RECURRENCE_LABELS, "grade_names": grade_names,
    }
