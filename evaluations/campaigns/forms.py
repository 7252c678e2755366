"""The form that creates a campaign."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from app.forms import MultiCheckboxField
from evaluations.campaigns.models import Assignment, Recurrence
from evaluations.labels import ASSIGNMENT_LABELS, RECURRENCE_LABELS


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
