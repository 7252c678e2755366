"""Forms of appeals: the provider lodges one, the officer resolves it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    MultipleFileField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form, ShownNumberField
from app.scoping import as_id
from app.uploads import ACCEPT
from reports.appeals.evidence import MAX_FILES
from reports.performance.forms import CHOICES


class AppealForm(Form):
    reason = TextAreaField(_l("Why do you appeal?"), validators=[DataRequired(), Length(max=5000)],
                           render_kw={"rows": 4})
    evidence = TextAreaField(_l("Evidence (optional)"), validators=[Length(max=5000)],
                             description=_l("Documents, photos, witnesses and dates that support "
                                            "the appeal."), render_kw={"rows": 3})
    files = MultipleFileField(_l("Evidence files (optional)"), render_kw={"accept": ACCEPT},
                              description=_l("PDF, JPEG or PNG images, or Office documents; at "
                                             "most %(n)d files of 20 MB each.", n=MAX_FILES))
    submit = SubmitField(_l("Lodge the appeal"))


class EvidenceForm(Form):
    files = MultipleFileField(_l("Add evidence files"), render_kw={"accept": ACCEPT})
    submit = SubmitField(_l("Add the files"))


class ResolveForm(Form):
    outcome = RadioField(_l("Outcome"), choices=[
        ("upheld", _l("Upheld: the result or decision stands")),
        ("corrected", _l("Corrected: a correction version of the inspection, or a revised "
                         "decision"))], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)],
                           render_kw={"rows": 3})
    #: how many evidence files the page showed: a resolution sent after more came is refused
    files_seen = ShownNumberField(digits=4)
    submit = SubmitField(_l("Resolve the appeal"))


class ResolveCorrectionForm(ResolveForm):
    """Resolving an appeal of a result whose inspector can no longer fill in its correction:
    who will (the choices are the region's inspectors)."""

    # checked by the service, and only when corrected: an appeal upheld names nobody
    inspector_id = SelectField(_l("Inspector of the correction (when corrected)"),
                               coerce=as_id, validate_choice=False)
    submit = SubmitField(_l("Resolve the appeal"))


class ResolveDecisionForm(ResolveForm):
    """Resolving an appeal of a payment decision: a correction records the revised decision."""

    decision = SelectField(_l("Revised decision (when corrected)"), choices=CHOICES)
    amount = DecimalField(_l("Amount to pay (yuan), when reducing"), places=2,
                          validators=[Optional(), NumberRange(min=0)])
    renew = BooleanField(_l("Renew the contract"))
    submit = SubmitField(_l("Resolve the appeal"))

    def revised(self) -> dict:
        return {"decision": self.decision.data, "amount": self.amount.data,
                "renew": self.renew.data, "comment": self.reason.data}
