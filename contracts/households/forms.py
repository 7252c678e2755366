"""WTForms of the household-record and spot-check pages. Field names are the services'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form
from app.regions.models import Level
from app.users.models import User
from contracts.households.files import COLUMNS
from contracts.listing import region_options


class HouseholdUploadForm(Form):
    file = FileField(_l("Household-record file (.xlsx or .csv)"),
                     validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Import"))


class StandardForm(Form):
    region_code = SelectField(_l("Region"), validators=[DataRequired(_l("Choose a region."))])
    monthly_amount = StringField(_l("Monthly standard per person (yuan)"),
                                 validators=[DataRequired(_l("Enter an amount."))])
    effective_from = DateField(_l("Effective from"),
                               validators=[DataRequired(_l("Enter a date like 2026-01-01."))])
    submit = SubmitField(_l("Save"))

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = [("", "—")] + [
            (r.code, f"{'— ' * r.level.depth}{r.name} ({r.code})")
            for r in region_options(user) if r.level is not Level.VILLAGE]


class SpotCheckForm(Form):
    period = SelectField(_l("Period"), validators=[DataRequired(_l("Choose a period."))])
    inspector_id = SelectField(_l("Inspector"), coerce=int,
                               validators=[DataRequired(_l("Choose an inspector."))])
    percent = IntegerField(_l("Sample percent (rounded up)"), default=5,
                           validators=[DataRequired(), NumberRange(1, 100)])
    minimum = IntegerField(_l("But at least"), default=20,
                           validators=[DataRequired(), NumberRange(1, 10_000)])
    seed = IntegerField(_l("Seed (empty: random)"),
                        validators=[Optional(), NumberRange(0, 2**31 - 1)])
    submit = SubmitField(_l("Draw sample"))


class ResultForm(Form):
    result = SelectField(_l("Result"), choices=[("confirmed", _l("Confirmed")),
                                                ("discrepant", _l("Discrepant"))])
    field = SelectField(_l("Field found wrong"),
                        choices=[("", "—")] + [(key, f"{label} ({key})")
                                               for key, label in COLUMNS])
    finding = TextAreaField(_l("Finding"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save"))
