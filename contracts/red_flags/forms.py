"""The review of a red flag: what the officer found when looking."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import Form


class ReviewForm(Form):
    comment = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)],
                            description=_l("What you found when you looked; the flag stays "
                                           "shown, marked reviewed."))
    submit = SubmitField(_l("Mark reviewed"))
