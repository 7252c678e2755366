"""Admin forms for users."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.extensions import db
from app.forms import Form
from app.lookups import LookupField
from app.regions.models import Region
from app.template_helpers import ROLE_LABELS
from app.users.provider_lookup import ProviderLookup


def region_choices() -> list[tuple[str, str]]:
    regions = db.session.scalars(sa.select(Region).order_by(Region.code)).all()
    indent = {0: "", 1: "— ", 2: "—— ", 3: "——— "}
    return [("", "—")] + [(r.code, f"{indent[r.level.depth]}{r.name} ({r.code})")
                          for r in regions]


class _UserFields(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
                       validators=[DataRequired()])
    region_code = SelectField(_l("Region"), validators=[Optional()],
                              description=_l("Officers and inspectors see this region and "
                                             "everything below it."))
    provider_id = LookupField(_l("Provider organization"),
                              description=_l("Required for provider users."),
                              hint=_l("Type a few characters of the name or credit code"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = region_choices()
        self.provider_id.offer(ProviderLookup(), url_for("users.provider_lookup"))


class UserCreateForm(_UserFields):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()],
                             description=_l("At least 10 characters; not a common password and "
                                            "not built from the e-mail address or name."),
                             render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Create user"))


class UserEditForm(_UserFields):
    can_view_full_ids = BooleanField(
        _l("May see resident ID numbers in full"),
        description=_l("Officers only; every full view is written to the audit trail."))
    #: the user as the page showed it (``services.user_stamp``: users have no revision); the
    #: page sends every field, and would put back what another administrator changed since
    seen = HiddenField(validators=[Length(max=40)])
    submit = SubmitField(_l("Save"))


class PasswordResetForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Reset password"))


class PasswordChangeForm(Form):
    """The user's own change of password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             description=_l("At least 10 characters; not a common password and "
                                            "not built from your e-mail address or name."),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("password", _l(
                                "The two new passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class UserFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()],
                       choices=[("", _l("All roles"))]
                       + [(r.value, label) for r, label in ROLE_LABELS.items()])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("All")), ("enabled", _l("Enabled")),
                                  ("disabled", _l("Disabled"))])
