"""Forms of the corrective-action pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import Form
from app.lookups import LookupField
from app.users.models import User
from evaluations.actions.targets import target_key
from evaluations.labels import SEVERITY_LABELS


def _severity_choices() -> list[tuple[str, str]]:
    return [(s.value, str(label)) for s, label in SEVERITY_LABELS.items()]


class ActionForm(Form):
    """A corrective action raised by hand on a facility or a contract."""

    target = LookupField(_l("About"), validators=[DataRequired()], coerce=target_key,
                         description=_l("The home or contract; its provider must put it right."),
                         hint=_l("Type a few characters of the name or number"))
    description = TextAreaField(_l("What must be put right"),
                                validators=[InputRequired(), Length(max=2000)],
                                render_kw={"rows": 4})
    severity = SelectField(_l("Severity"), choices=_severity_choices, default="yellow")
    deadline = DateField(_l("Deadline"), validators=[InputRequired()])
    submit = SubmitField(_l("Raise the corrective action"))


class AnswerForm(Form):
    """The rectification report (整改报告): the fields of the bureau's form."""

    cause = TextAreaField(_l("Cause of the problem"),
                          validators=[InputRequired(), Length(max=5000)], render_kw={"rows": 3})
    response = TextAreaField(_l("Measures taken"), validators=[InputRequired(), Length(max=5000)],
                             render_kw={"rows": 4})
    responsible_person = StringField(_l("Person responsible"),
                                     validators=[InputRequired(), Length(max=100)])
    completed_on = DateField(_l("Date completed"), validators=[InputRequired()])
    before = MultipleFileField(_l("Photos before (JPEG or PNG)"),
                               render_kw={"accept": ".jpg,.jpeg,.png"})
    after = MultipleFileField(_l("Photos after (JPEG or PNG)"),
                              render_kw={"accept": ".jpg,.jpeg,.png"})
    files = MultipleFileField(_l("Other evidence (PDF, JPEG or PNG; optional)"),
                              render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})
    submit = SubmitField(_l("Send the rectification report"))

    def show(self, action) -> None:
        """Pre-fill the last report, for resubmitting a returned one."""
        self.cause.data, self.response.data = action.cause, action.response
        self.responsible_person.data = action.responsible_person
        self.completed_on.data = action.completed_on


class CloseForm(Form):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])
    #: the answer the page showed (``services.answer_stamp``): closing on an older one is refused
    answer_seen = HiddenField(validators=[Length(max=40)])
    #: where the action stood on the page (``services.state_stamp``): see ReopenForm
    state_seen = HiddenField(validators=[Length(max=80)])
    submit = SubmitField(_l("Accept and close"))


class ReopenForm(Form):
    reason = TextAreaField(_l("Comment: what is missing or wrong"),
                           validators=[Length(max=1000)], render_kw={"rows": 2})
    deadline = DateField(_l("Deadline for the corrected report"), validators=[Optional()],
                         description=_l("Required once the current deadline has passed."))
    #: where the action stood on the page (``services.state_stamp``): a return sent after
    #: another officer closed it, or after a new report, is refused
    state_seen = HiddenField(validators=[Length(max=80)])
    submit = SubmitField(_l("Return to the provider"))


class SuggestionsForm(Form):
    """CSRF only: the per-item fields are read from the request (one row per suggestion)."""

    submit = SubmitField(_l("Create the selected corrective actions"))


class ReinspectionForm(Form):
    """The inspector (one of those given) and the day of a re-inspection."""

    inspector = SelectField(_l("Inspector"), coerce=int, validators=[InputRequired()])
    scheduled_for = DateField(_l("Date"), validators=[InputRequired()])
    submit = SubmitField(_l("Schedule a re-inspection"))

    def __init__(self, *, inspectors: list[User], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._inspectors = {u.id: u for u in inspectors}
        self.inspector.choices = [(u.id, u.name or u.email) for u in inspectors]

    def chosen_inspector(self) -> User | None:
        return self._inspectors.get(self.inspector.data)
