"""Forms of the corrective-action and campaign pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from evaluations.actions.models import Assignment, Recurrence, Severity

SEVERITY_LABELS = {
    Severity.RED: _l("Red (major hazard)"),
    Severity.ORANGE: _l("Orange"),
    Severity.YELLOW: _l("Yellow"),
    Severity.BLUE: _l("Blue (minor)"),
}
SEVERITY_BADGES = {Severity.RED: "danger", Severity.ORANGE: "warning",
                   Severity.YELLOW: "warning text-dark", Severity.BLUE: "info"}
ASSIGNMENT_LABELS = {
    Assignment.BY_REGION: _l("By region: the inspector of the deepest region containing the home"),
    Assignment.ROUND_ROBIN: _l("In turn: the chosen inspectors one after the other"),
}
RECURRENCE_LABELS = {Recurrence.NONE: _l("Once"), Recurrence.YEARLY: _l("Every year")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _severity_choices() -> list[tuple[str, str]]:
    return [(s.value, str(label)) for s, label in SEVERITY_LABELS.items()]


class ActionForm(FlaskForm):
    """A corrective action raised by hand on a facility or a contract."""

    target = SelectField(_l("About"), validators=[InputRequired()],
                         description=_l("The home or contract; its provider must put it right."))
    description = TextAreaField(_l("What must be put right"),
                                validators=[InputRequired(), Length(max=2000)],
                                render_kw={"rows": 4})
    severity = SelectField(_l("Severity"), choices=_severity_choices, default="yellow")
    deadline = DateField(_l("Deadline"), validators=[InputRequired()])
    submit = SubmitField(_l("Raise the corrective action"))


class AnswerForm(FlaskForm):
    response = TextAreaField(_l("What was done"), validators=[InputRequired(), Length(max=5000)],
                             render_kw={"rows": 5})
    files = MultipleFileField(_l("Evidence (PDF, JPEG or PNG; optional)"),
                              render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})
    submit = SubmitField(_l("Send the answer"))


class CloseForm(FlaskForm):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Close"))


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[Length(max=1000)],
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Reopen"))


class SuggestionsForm(FlaskForm):
    """CSRF only: the per-item fields are read from the request (one row per suggestion)."""

    submit = SubmitField(_l("Create the selected corrective actions"))


class ReinspectionForm(FlaskForm):
    inspector = SelectField(_l("Inspector"), coerce=int, validators=[InputRequired()])
    scheduled_for = DateField(_l("Date"), validators=[InputRequired()])
    submit = SubmitField(_l("Schedule a re-inspection"))


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)],
                       description=_l("e.g. 2026年冬暖工程专项检查"))
    template = SelectField(_l("Assessment template"), coerce=int, validators=[InputRequired()])
    region_code = SelectField(_l("Region"), validators=[InputRequired()],
                              description=_l("Every home of the chosen kinds in this region and "
                                             "below is inspected."))
    facility_kinds = MultiCheckboxField(_l("Kinds of home"))
    window_start = DateField(_l("Window start"), validators=[InputRequired()])
    window_end = DateField(_l("Window end"), validators=[InputRequired()])
    inspectors = MultiCheckboxField(_l("Inspectors"), coerce=int)
    assignment = RadioField(_l("Assignment"), default=Assignment.BY_REGION.value,
                            choices=[(a.value, label) for a, label in ASSIGNMENT_LABELS.items()])
    recurrence = RadioField(_l("Recurrence"), default=Recurrence.NONE.value,
                            choices=[(r.value, label) for r, label in RECURRENCE_LABELS.items()])
    submit = SubmitField(_l("Create the campaign and its inspections"))


__all__ = ["ASSIGNMENT_LABELS", "ActionForm", "AnswerForm", "CampaignForm", "CloseForm",
           "RECURRENCE_LABELS", "ReinspectionForm", "ReopenForm", "SEVERITY_BADGES",
           "SEVERITY_LABELS", "SuggestionsForm"]
