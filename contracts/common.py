"""Small input helpers shared by the contracts services.

Every helper that can fail adds a message to an ``errors`` dict under the field's name, so a
service reports all the problems of one input at once.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import ValidationError
from app.extensions import db
from app.regions.models import Region
from app.regions.services import get_by_code
from app.scoping import as_id
from app.validation import as_decimal, money_problem

E = TypeVar("E", bound=enum.Enum)
Errors = dict[str, list[str]]

CENT = Decimal("0.01")


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors, message: str) -> None:
    if errors:
        raise ValidationError(message, errors)


def as_enum(cls: type[E], value: Any, field: str, errors: Errors) -> E | None:
    try:
        return cls(value)
    except ValueError:
        add(errors, field, _("Choose one of: %(choices)s.",
                             choices=", ".join(m.value for m in cls)))
        return None


def as_money(value: Any, field: str, errors: Errors, *, positive: bool = True) -> Decimal | None:
    """A yuan amount with at most two decimals (the shared rule of ``app.validation``)."""
    amount = as_decimal(value)
    problem = (_("Enter an amount in yuan, such as 120000.00.") if amount is None
               else money_problem(amount, positive=positive))
    if problem:
        add(errors, field, problem)
        return None
    return amount


def as_date(value: Any, field: str, errors: Errors, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            add(errors, field, _("A date is required."))
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        add(errors, field, _("Enter a date as YYYY-MM-DD."))
        return None


def resolve(model: type, value: Any, field: str, errors: Errors,
            among: sa.Select | None = None) -> Any | None:
    """A row given as itself or as its id; a missing one is a field error. Given ``among``
    (the rows the acting user may see), a row outside it is refused exactly like a missing
    one, so that the answer never tells a hidden row exists."""
    if value is None or value == "":
        add(errors, field, _("This field is required."))
        return None
    if isinstance(value, model):
        return value
    ident = as_id(value)
    if ident is None:
        obj = None
    elif among is not None:
        obj = db.session.scalars(among.where(model.id == ident)).first()
    else:
        obj = db.session.get(model, ident)
    if obj is None:
        add(errors, field, _("No such record."))
    return obj


def resolve_region(value: Any, field: str, errors: Errors) -> Region | None:
    """A region given as itself, its code (str) or its id (int)."""
    if isinstance(value, str):
        region = get_by_code(value)
        if region is None:
            add(errors, field, _("No region has this code."))
        return region
    return resolve(Region, value, field, errors)


def text(value: Any, field: str, errors: Errors, *, max_length: int,
         required: bool = False) -> str:
    result = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not result:
        add(errors, field, _("This field is required."))
    elif len(result) > max_length:
        add(errors, field, _("At most %(n)d characters.", n=max_length))
    return result
