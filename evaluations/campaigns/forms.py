"""The form that creates a campaign."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from app.forms import Form, MultiCheckboxField
from app.regions.models import Region
from app.users.models import User
from contracts.labels import FACILITY_KIND_LABELS
from contracts.models import FacilityKind
from evaluations.assessment.models import AssessmentTemplate
from evaluations.campaigns.models import Assignment, Recurrence
from evaluations.labels import ASSIGNMENT_LABELS, RECURRENCE_LABELS


class CampaignForm(Form):
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

    def __init__(self, *, templates: list[AssessmentTemplate], regions: list[Region],
                 inspectors: list[User], locale: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.template.choices = [(t.id, f"{t.name(locale)} v{t.version}") for t in templates]
        self.region_code.choices = [(r.code, f"{r.code} {r.name}") for r in regions]
        self.facility_kinds.choices = [(k.value, str(FACILITY_KIND_LABELS[k.value]))
                                       for k in FacilityKind]
        self.inspectors.choices = [
            (u.id, f"{u.name or u.email} ({u.region.name if u.region else ''})")
            for u in inspectors]
