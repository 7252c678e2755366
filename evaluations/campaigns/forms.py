"""The form that creates a campaign: about homes or about contracts, in any window or in one
of the three-week survey windows."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import Form, MultiCheckboxField
from app.regions.models import Region
from app.users.models import User
from contracts.households.reminders import survey_windows
from contracts.labels import FACILITY_KIND_LABELS, SERVICE_TYPE_LABELS
from contracts.models import FacilityKind, ServiceType
from evaluations.assessment.models import AssessmentTemplate
from evaluations.campaigns.models import Assignment, Recurrence
from evaluations.labels import ASSIGNMENT_LABELS, RECURRENCE_LABELS


class CampaignForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)],
                       description=_l("e.g. 2026年冬暖工程专项检查"))
    template = SelectField(_l("Assessment template"), coerce=int, validators=[InputRequired()])
    region_code = SelectField(_l("Region"), validators=[InputRequired()],
                              description=_l("Every home of the chosen kinds (or every active "
                                             "contract of the chosen service types) in this "
                                             "region and below is inspected."))
    counties = MultiCheckboxField(_l("Only these counties"),
                                  description=_l("None chosen: the whole region."))
    facility_kinds = MultiCheckboxField(_l("Kinds of home"),
                                        description=_l("For a template about homes."))
    service_types = MultiCheckboxField(_l("Service types of the contracts"),
                                       description=_l("For a template about contracts, e.g. "
                                                      "the household-survey service."))
    survey_window = SelectField(_l("Three-week survey window (三周工作法)"),
                                validators=[Optional()],
                                description=_l("Chosen: the window's dates replace the dates "
                                               "below."))
    window_start = DateField(_l("Window start"), validators=[Optional()])
    window_end = DateField(_l("Window end"), validators=[Optional()])
    inspectors = MultiCheckboxField(_l("Inspectors"), coerce=int)
    assignment = RadioField(_l("Assignment"), default=Assignment.BY_REGION.value,
                            choices=[(a.value, label) for a, label in ASSIGNMENT_LABELS.items()])
    recurrence = RadioField(_l("Recurrence"), default=Recurrence.NONE.value,
                            choices=[(r.value, label) for r, label in RECURRENCE_LABELS.items()])
    submit = SubmitField(_l("Create the campaign and its inspections"))

    def __init__(self, *, templates: list[AssessmentTemplate], regions: list[Region],
                 inspectors: list[User], locale: str, year: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.template.choices = [(t.id, f"{t.name(locale)} v{t.version}") for t in templates]
        self.region_code.choices = [(r.code, f"{r.code} {r.name}") for r in regions]
        self.counties.choices = [(r.code, f"{r.code} {r.name}") for r in regions
                                 if r.level.value == "county"]
        self.facility_kinds.choices = [(k.value, str(FACILITY_KIND_LABELS[k.value]))
                                       for k in FacilityKind]
        self.service_types.choices = [(t.value, str(SERVICE_TYPE_LABELS[t.value]))
                                      for t in ServiceType]
        self._windows = survey_windows(year) + survey_windows(year + 1)
        self.survey_window.choices = [("", "—")] + [
            (start.isoformat(), f"{start.isoformat()} – {end.isoformat()}")
            for start, end in self._windows]
        self.inspectors.choices = [
            (u.id, f"{u.name or u.email} ({u.region.name if u.region else ''})")
            for u in inspectors]

    def window(self) -> tuple[Any, Any]:
        """(start, end) of the chosen survey window, else of the dates given."""
        for start, end in self._windows:
            if start.isoformat() == self.survey_window.data:
                return start, end
        return self.window_start.data, self.window_end.data
