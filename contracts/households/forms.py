"""WTForms of the household-record and spot-check pages. Field names are the services'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form
from app.regions.models import Region
from contracts.households.files import COLUMNS, OPTIONAL_COLUMNS
from contracts.labels import AREA_LABELS


class HouseholdUploadForm(Form):
    file = FileField(_l("Household-record file (.xlsx or .csv)"),
                     validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Import"))


class StandardForm(Form):
    """The standards of one region, year and area; empty 特困 and near-poor amounts take
    their defaults (1.3 × and 1.5 × the 低保 standard)."""

    region_code = SelectField(_l("City or county"),
                              validators=[DataRequired(_l("Choose the city or a county."))])
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Enter a year.")),
                                                NumberRange(2000, 2100)])
    area = SelectField(_l("Area"), choices=list(AREA_LABELS.items()),
                       validators=[DataRequired(_l("Choose urban or rural."))])
    dibao_monthly = StringField(_l("低保 standard per person and month (yuan)"),
                                validators=[DataRequired(_l("Enter an amount."))])
    tekun_monthly = StringField(_l("特困 standard per person and month (yuan)"),
                                description=_l("Empty: 1.3 × the 低保 standard."))
    near_poor_monthly = StringField(_l("Near-poor (低保边缘) threshold per person (yuan)"),
                                    description=_l("Empty: 1.5 × the 低保 standard."))
    asset_limit_per_person = StringField(_l("Asset limit per person (yuan)"),
                                         description=_l("Empty: no asset test."))
    #: the amounts a standard's page showed (``standards.standard_stamp``): a change sent
    #: after another officer's is refused, not saved over theirs
    seen = HiddenField(validators=[Length(max=40)])
    submit = SubmitField(_l("Save"))

    def __init__(self, regions: list[Region], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = [("", "—")] + [(r.code, f"{r.name} ({r.code})")
                                                  for r in regions]


class SpotCheckForm(Form):
    period = SelectField(_l("Period"), validators=[DataRequired(_l("Choose a period."))])
    inspector_id = SelectField(_l("Inspector"), coerce=int,
                               validators=[DataRequired(_l("Choose an inspector."))])
    percent = IntegerField(_l("Share of each surveyor's records, % (rounded up)"), default=30,
                           validators=[InputRequired(), NumberRange(1, 100)])
    minimum = IntegerField(_l("But at least"), default=20,
                           validators=[InputRequired(), NumberRange(0, 10_000)])
    seed = IntegerField(_l("Seed (empty: random)"),
                        validators=[Optional(), NumberRange(0, 2**31 - 1)])
    submit = SubmitField(_l("Draw sample"))


class PolicyForm(Form):
    percent = IntegerField(_l("Re-check share of this contract, %"),
                           validators=[InputRequired(), NumberRange(1, 100)])
    save_policy = SubmitField(_l("Save share"))


class SampleSizeForm(Form):
    """The sample-size helper: a GET form, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    margin = DecimalField(_l("Margin of error, ± %"), default=5, places=1,
                          validators=[InputRequired(), NumberRange(0.5, 50)])
    expected = DecimalField(_l("Expected agreement, %"), default=50, places=1,
                            validators=[InputRequired(), NumberRange(1, 99)],
                            description=_l("50 % needs the most records: use it when unsure."))
    population = IntegerField(_l("Records in the period"),
                              validators=[InputRequired(), NumberRange(1, 10_000_000)])
    compute = SubmitField(_l("Compute"))


class ResultForm(Form):
    result = SelectField(_l("Result"), choices=[("confirmed", _l("Confirmed")),
                                                ("discrepant", _l("Discrepant"))])
    field = SelectField(_l("Field found wrong"),
                        choices=[("", "—")] + [(key, f"{label} ({key})")
                                               for key, label in COLUMNS + OPTIONAL_COLUMNS])
    finding = TextAreaField(_l("Finding"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save"))
