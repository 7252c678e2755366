"""Forms of the corrective-action pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from app.forms import Form
from app.users.models import User
from evaluations.labels import SEVERITY_LABELS


def _severity_choices() -> list[tuple[str, str]]:
    return [(s.value, str(label)) for s, label in SEVERITY_LABELS.items()]


class ActionForm(Form):
    """A corrective action raised by hand on a facility or a contract."""

    target = SelectField(_l("About"), validators=[InputRequired()],
                         description=_l("The home or contract; its provider must put it right."))
    description = TextAreaField(_l("What must be put right"),
                                validators=[InputRequired(), Length(max=2000)],
                                render_kw={"rows": 4})
    severity = SelectField(_l("Severity"), choices=_severity_choices, default="yellow")
    deadline = DateField(_l("Deadline"), validators=[InputRequired()])
    submit = SubmitField(_l("Raise the corrective action"))


class AnswerForm(Form):
    response = TextAreaField(_l("What was done"), validators=[InputRequired(), Length(max=5000)],
                             render_kw={"rows": 5})
    files = MultipleFileField(_l("Evidence (PDF, JPEG or PNG; optional)"),
                              render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})
    submit = SubmitField(_l("Send the answer"))


class CloseForm(Form):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Close"))


class ReopenForm(Form):
    reason = TextAreaField(_l("Reason for reopening"), validators=[Length(max=1000)],
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Reopen"))


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
