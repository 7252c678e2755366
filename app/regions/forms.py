"""Forms of the region pages."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import Form
from app.regions.models import Level
from app.template_helpers import LEVEL_LABELS
from app.users.forms import region_choices


class RegionCreateForm(Form):
    code = StringField(_l("Code"), validators=[
        DataRequired(), Regexp(r"^\d{6}(\d{3}){0,2}$", message=_l("6, 9 or 12 digits."))],
        description=_l("Statistical division code: 6 digits for a city or county, 9 for a "
                       "township, 12 for a village."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("English name"), validators=[Optional(), Length(max=100)])
    level = SelectField(_l("Level"), choices=[(lv.value, label)
                                              for lv, label in LEVEL_LABELS.items()])
    parent_code = SelectField(_l("Parent region"), validators=[Optional()])
    submit = SubmitField(_l("Create region"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_code.choices = region_choices()


class RegionEditForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("English name"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Rename"))


class RegionMoveForm(Form):
    parent_code = SelectField(_l("New parent region"), validators=[DataRequired()])
    submit = SubmitField(_l("Move"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_code.choices = region_choices()[1:]


__all__ = ["Level", "RegionCreateForm", "RegionEditForm", "RegionMoveForm"]
