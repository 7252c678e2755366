"""Helpers shared by every feature's WTForms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from app.errors import DomainError


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal on the form: its message on top, field messages on fields."""
    form.form_errors.append(error.message)
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


class ConfirmForm(FlaskForm):
    """A bare CSRF-protected POST: the token of a confirmed action (remove, publish, run now)."""

    submit = SubmitField(_l("Confirm"))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
