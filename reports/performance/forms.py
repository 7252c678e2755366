"""The officer's form for a payment decision on a contract period."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form


class DecisionForm(Form):
    decision = SelectField(_l("Decision"), choices=[("pay", _l("Pay")),
                                                    ("reduce", _l("Reduce")),
                                                    ("withhold", _l("Withhold"))])
    amount = DecimalField(_l("Amount to pay (yuan), when reducing"), places=2,
                          validators=[Optional(), NumberRange(min=0)])
    renew = BooleanField(_l("Renew the contract"))
    comment = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record the decision"))

    def show(self, decision) -> None:
        """Fill the form with the decision already recorded, for revising it."""
        self.decision.data, self.amount.data = decision.decision.value, decision.amount
        self.renew.data, self.comment.data = decision.renew, decision.comment
