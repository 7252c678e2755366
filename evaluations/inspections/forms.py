"""Forms of the inspection pages: scheduling, reasons, and reading the field form.

The field form has one group of controls per item of the inspection's template version, so it
is not a static WTForms class: ``FieldForm`` carries the CSRF token and the version, and
``answers_from_request`` turns the posted controls into the answer dicts of
``inspections.save_answers``.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.extensions import db
from app.forms import NARROW, Form, ShownNumberField
from app.lookups import LookupField
from app.users.models import User
from contracts.lookups import ContractLookup, FacilityLookup
from evaluations.assessment.models import AssessmentTemplate
from evaluations.assessment.services import template_stmt
from evaluations.inspections.lists import assignable_inspectors
from evaluations.inspections.models import Inspection
from evaluations.labels import TEMPLATE_TARGET_LABELS


def _optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ScheduleForm(Form):
    template_id = SelectField(_l("Assessment template"), coerce=_optional_int,
                              validators=[InputRequired()],
                              description=_l("The current published version is used."))
    facility_id = LookupField(_l("Facility"), description=_l("For a facility template."),
                              hint=_l("Type a few characters of the name"))
    contract_id = LookupField(_l("Contract"), description=_l("For a contract template."),
                              hint=_l("Type a few characters of the number or title"))
    inspector_id = SelectField(_l("Inspector"), coerce=_optional_int,
                               validators=[InputRequired()],
                               render_kw={"data-searchable": NARROW})
    scheduled_for = DateField(_l("Date"), validators=[DataRequired()])
    submit = SubmitField(_l("Schedule"))

    def __init__(self, user: User, locale: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = db.session.scalars(template_stmt(current=True)).all()
        self.template_id.choices = [("", "—")] + [
            (t.id, f"{t.name(locale)} v{t.version} · {TEMPLATE_TARGET_LABELS[t.target]}") for t in templates]
        # a city officer may pick among ~300 homes and ~3,000 contracts: a typeahead
        self.facility_id.offer(FacilityLookup(user), url_for("evaluations.schedule_facilities"))
        self.contract_id.offer(ContractLookup(user), url_for("evaluations.schedule_contracts"))
        inspectors = db.session.scalars(assignable_inspectors(user)).all()
        self.inspector_id.choices = [("", "—")] + [(u.id, u.name or u.email)
                                                   for u in inspectors]

    def chosen_template(self) -> AssessmentTemplate | None:
        return db.session.get(AssessmentTemplate, self.template_id.data) \
            if self.template_id.data else None

    def chosen_inspector(self) -> User | None:
        return db.session.get(User, self.inspector_id.data) \
            if self.inspector_id.data is not None else None


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Send"))


class CorrectionForm(ReasonForm):
    """The reason, and who fills the correction in (left empty: the inspector of the result;
    the service checks the one named)."""

    inspector_id = SelectField(_l("Inspector of the correction"), coerce=_optional_int,
                               validate_choice=False)


class ReassignForm(Form):
    """Whom the visit goes to (the service checks the one named) and the version the page
    showed: another officer's step since is refused."""

    inspector_id = SelectField(_l("New inspector"), coerce=_optional_int, validate_choice=False,
                               validators=[InputRequired()])
    version = ShownNumberField(digits=10)
    submit = SubmitField(_l("Give to this inspector"))


class CancelForm(ReasonForm):
    version = ShownNumberField(digits=10)
    submit = SubmitField(_l("Cancel the inspection"))


class FieldForm(Form):
    """CSRF and the version the inspector read; the item controls are read by hand."""

    version = HiddenField()


class FinalizeForm(Form):
    """The officer's sign-off of the result as the page showed it: a result sent back and
    submitted again since is refused."""

    version = ShownNumberField(digits=10)
    submit = SubmitField(_l("Finalize"))


def answers_from_request(inspection: Inspection, form: MultiDict) -> tuple[list[dict],
                                                                           list[int]]:
    """Answer dicts for ``save_answers`` and, in the same order, their item ids.

    Controls per item: ``a-<id>`` (points, the measured reading, or ``yes``/``no``), ``na-<id>`` (checkbox; it wins
    over a value also chosen), ``note-<id>``. An item left blank with no stored answer is
    skipped, so a draft does not create empty rows.
    """
    stored = {answer.item_id for answer in inspection.answers}
    answers, item_ids = [], []
    for item in inspection.template.items:
        value = (form.get(f"a-{item.id}") or "").strip()
        na = form.get(f"na-{item.id}") in ("1", "on", "y", "true")
        note = (form.get(f"note-{item.id}") or "").strip()
        if not (value or na or note or item.id in stored):
            continue
        answer: dict[str, Any] = {"item_id": item.id, "note": note}
        if na:
            answer["na"] = True
        elif item.kind == "yes_no" and value in ("yes", "no"):
            answer["yes"] = value == "yes"
        elif item.kind == "reading" and value:
            answer["reading"] = value
        elif value:
            answer["points"] = value
        answers.append(answer)
        item_ids.append(item.id)
    return answers, item_ids


def values_for_display(inspection: Inspection, form: MultiDict | None) -> dict[int, dict]:
    """What each item's controls show: the posted values when re-rendering, else the stored."""
    values: dict[int, dict] = {}
    if form is not None:
        for item in inspection.template.items:
            values[item.id] = {
                "value": (form.get(f"a-{item.id}") or "").strip(),
                "na": form.get(f"na-{item.id}") in ("1", "on", "y", "true"),
                "note": form.get(f"note-{item.id}") or ""}
        return values
    for answer in inspection.answers:
        if answer.yes is not None:
            value = "yes" if answer.yes else "no"
        elif answer.reading is not None:  # before points: a reading's points are derived
            value = f"{answer.reading.normalize():f}"
        elif answer.points is not None:
            value = f"{answer.points.normalize():f}"
        else:
            value = ""
        values[answer.item_id] = {"value": value, "na": answer.na, "note": answer.note}
    return values
