"""The filters of the plan page and the form of a campaign over the highest-risk targets."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from app.forms import Form, MultiCheckboxField
from app.regions.models import Region
from app.users.models import User
from evaluations.assessment.models import AssessmentTemplate
from evaluations.campaigns.models import Assignment
from evaluations.labels import ASSIGNMENT_LABELS
from reports.planning.campaign import MAX_TARGETS


class PlanCampaignForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)],
                       description=_l("e.g. 2026年高风险机构专项检查"))
    count = IntegerField(_l("Number of targets"), default=20,
                         validators=[InputRequired(), NumberRange(min=1, max=MAX_TARGETS)],
                         description=_l("The highest-risk homes (or contracts, for a template "
                                        "about contracts) of the plan."))
    template_id = SelectField(_l("Assessment template"), coerce=int,
                              validators=[InputRequired()])
    region_code = SelectField(_l("Region"), validators=[InputRequired()])
    window_start = DateField(_l("Window start"), validators=[InputRequired()])
    window_end = DateField(_l("Window end"), validators=[InputRequired()])
    inspectors = MultiCheckboxField(_l("Inspectors"), coerce=int)
    assignment = RadioField(_l("Assignment"), default=Assignment.BY_REGION.value,
                            choices=[(a.value, label) for a, label in ASSIGNMENT_LABELS.items()])
    submit = SubmitField(_l("Create the campaign and its inspections"))

    def __init__(self, *, templates: list[AssessmentTemplate], regions: list[Region],
                 inspectors: list[User], locale: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.template_id.choices = [(t.id, f"{t.name(locale)} v{t.version}") for t in templates]
        self.region_code.choices = [(r.code, f"{r.code} {r.name}") for r in regions]
        self.inspectors.choices = [
            (u.id, f"{u.name or u.email} ({u.region.name if u.region else ''})")
            for u in inspectors]
