"""Helpers shared by every feature's WTForms."""

from __future__ import annotations

from flask_wtf import FlaskForm

from app.errors import DomainError


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal on the form: field messages on fields, the rest on top."""
    placed = False
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed or not error.fields:
        form.form_errors.append(error.message)
