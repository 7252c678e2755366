"""The officer's forms on contract performance: the payment decision, and its revocation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form

CHOICES = [("pay", _l("Pay what the grade allows")), ("reduce", _l("Reduce to an amount")),
           ("withhold", _l("Withhold"))]


class DecisionForm(Form):
    decision = SelectField(_l("Decision"), choices=CHOICES,
                           description=_l("Proposed from the grade; change it if you decide "
                                          "otherwise, and say why."))
    amount = DecimalField(_l("Amount to pay (yuan), when reducing"), places=2,
                          validators=[Optional(), NumberRange(min=0)])
    renew = BooleanField(_l("Renew the contract"))
    comment = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=2000)])
    #: the figures the page showed (``Performance.basis``): a decision on figures that have
    #: changed since is refused
    basis = HiddenField(validators=[Length(max=64)])
    submit = SubmitField(_l("Record the decision"))

    def propose(self, choice: str, payable) -> None:
        """Pre-fill what the grade gives: the choice, and the amount it allows."""
        self.decision.data = choice
        if payable is not None:
            self.amount.data = payable


class RevokeForm(Form):
    reason = TextAreaField(_l("Why is this decision revoked?"),
                           validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Revoke the decision"))
