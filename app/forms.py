"""Helpers shared by every feature's WTForms, and the base classes every form derives from.

:class:`Form` (a page's form, with CSRF) and :class:`SubForm` (a row inside one) put the shared
input rules of ``app.validation`` first on every field, so no form lets through what no column
may hold: control characters (tab and line breaks only in text areas), integers beyond 32 bits,
non-finite or absurd numbers, dates out of range. A refused value stops the field's own
validators, which could not compare it, and shows as the field's error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, SubmitField
from wtforms.fields import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    FloatField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app import validation as v
from app.errors import DomainError

#: the placeholder of the text box that narrows a long select (``render_kw={"data-searchable":
#: NARROW}``; app.js): a city's hundreds of homes and providers, thousands of contracts
NARROW = _l("Type a few characters to narrow the list")


def _text(multiline: bool) -> Callable[[Any], str | None]:
    return lambda data: v.text_problem(data, multiline=multiline) if isinstance(data, str) \
        else None


def _number(data: Any) -> str | None:
    if isinstance(data, int) and not isinstance(data, bool):
        return v.int_problem(data)
    if isinstance(data, float | Decimal):
        return v.number_problem(data)
    return None


def _date(data: Any) -> str | None:
    return v.date_problem(data) if isinstance(data, date) else None


#: the rule of each kind of field, most specific class first
RULES: tuple[tuple[type, Callable[[Any], str | None]], ...] = (
    (TextAreaField, _text(multiline=True)),
    (StringField, _text(multiline=False)),
    (IntegerField, _number),
    (DecimalField, _number),
    (FloatField, _number),
    (DateTimeLocalField, _date),
    (DateField, _date),
)


class InputRule:
    """Validator put first on a field: the shared rule of its kind."""

    field_flags: dict = {}

    def __init__(self, rule: Callable[[Any], str | None]):
        self.rule = rule

    def __call__(self, form: wtforms.Form, field: wtforms.Field) -> None:
        problem = self.rule(field.data)
        if problem:
            field.data = None  # what cannot be compared must not be rendered back as a value
            raise StopValidation(problem)


class InputRulesMeta:
    """A form ``Meta`` mixin: every field gets its :class:`InputRule` when it is bound."""

    def bind_field(self, form: wtforms.Form, unbound_field: Any, options: dict) -> Any:
        field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        for kind, rule in RULES:
            if isinstance(field, kind):
                field.validators = [InputRule(rule), *field.validators]
                break
        return field


class Form(FlaskForm):
    """Every page's form: CSRF, and the shared input rules on every field."""

    class Meta(InputRulesMeta):
        pass


class SubForm(wtforms.Form):
    """A form nested in another (``FormField`` rows): the input rules, no CSRF of its own."""

    class Meta(InputRulesMeta):
        pass


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal on the form: its message on top, field messages on fields."""
    form.form_errors.append(error.message)
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


def page_status(form: FlaskForm) -> int:
    """The status of a form's page: 422 while it carries errors (its fields' or its own:
    ``errors`` holds both), else 200."""
    return 422 if form.errors else 200


class RevisionField(HiddenField):
    """The revision of the record the page showed. The view hands it to
    ``app.unit_of_work.expect_revision``, so a save over somebody else's change since the page
    was loaded is refused (409) instead of silently overwriting it."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            self.data = v.bounded_int(valuelist[0]) if valuelist and valuelist[0] else None
        except ValueError:
            self.data = None


class ShownNumberField(HiddenField):
    """A count the page showed (an inspection's version, the evidence files it listed), sent
    back so that the service refuses a step taken on what has changed since. Blank is None (a
    client that sends none); anything but up to ``digits`` digits is a form error."""

    def __init__(self, *args: Any, digits: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.digits = digits

    def process_formdata(self, valuelist: list) -> None:
        self.data = None
        if valuelist and valuelist[0]:
            if not re.fullmatch(rf"\d{{1,{self.digits}}}", valuelist[0]):
                raise ValueError(_l("Not a number."))
            self.data = int(valuelist[0])


class ConfirmForm(Form):
    """A bare CSRF-protected POST: the token of a confirmed action (remove, publish, run now)."""

    submit = SubmitField(_l("Confirm"))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
