"""One labelled number input per contract target, on the contract and amendment forms.

A service type has its own targets (``targets.TARGET_KEYS``; "other" services use the four
usual ones below, and the API may set any). The page shows the inputs of the chosen service
type (``contract_form.js`` hides and disables the others); the service still checks the keys.
Targets the forms have no input for (set through the API or typed before these inputs) travel
in a hidden field and are shown with a label, so that saving a form never drops them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from wtforms import DecimalField, HiddenField
from wtforms.validators import NumberRange, Optional

from contracts.labels import TARGET_LABELS
from contracts.models import ServiceType
from contracts.targets import PERCENT_TARGETS, TARGET_KEYS

#: targets of "other" services the forms offer
OTHER_TARGETS = ("events", "trainees", "reviews", "visits")
#: every target with an input, in the order of the form
FORM_TARGETS = tuple(TARGET_LABELS)


def keys_for(service_type: ServiceType | str | None) -> tuple[str, ...]:
    """The targets a form offers for ``service_type`` (all of them when it is not chosen)."""
    try:
        kind = ServiceType(service_type)
    except ValueError:
        return FORM_TARGETS
    allowed = TARGET_KEYS.get(kind)
    return OTHER_TARGETS if allowed is None else tuple(k for k in FORM_TARGETS if k in allowed)


def service_types_of(key: str) -> str:
    """The service types offering ``key``, space-separated (the input's data attribute)."""
    return " ".join(t.value for t in ServiceType if key in keys_for(t))


def add_target_fields(form_class: type) -> type:
    """Give ``form_class`` a ``target_<key>`` input per target and the hidden ``extra_targets``."""
    for key in FORM_TARGETS:
        top = 100 if key in PERCENT_TARGETS else None
        setattr(form_class, f"target_{key}", DecimalField(
            TARGET_LABELS[key], places=None,
            validators=[Optional(), NumberRange(min=Decimal("0.01"), max=top)],
            render_kw={"inputmode": "decimal", "data-target-of": service_types_of(key)}))
    form_class.extra_targets = HiddenField()
    return form_class


def fill_targets(form, targets: dict | None) -> None:
    targets = targets or {}
    for key in FORM_TARGETS:
        form[f"target_{key}"].data = targets.get(key)
    form.extra_targets.data = json.dumps({k: v for k, v in targets.items()
                                          if k not in FORM_TARGETS}, ensure_ascii=False)


def extra_targets(form) -> dict[str, Any]:
    try:
        extra = json.loads(form.extra_targets.data or "{}")
    except ValueError:
        return {}
    return extra if isinstance(extra, dict) else {}


def targets_of(form) -> dict[str, Any]:
    """The filled targets (numbers as text, checked by the service), kept extras included."""
    targets = dict(extra_targets(form))
    for key in FORM_TARGETS:
        value = form[f"target_{key}"].data
        if value is not None:
            targets[key] = str(value)
    return targets


def same_targets(a: dict, b: dict) -> bool:
    """The same keys and numbers (``"1200"`` from a form equals ``1200`` stored)."""
    if set(a) != set(b):
        return False
    try:
        return all(Decimal(str(a[k])) == Decimal(str(b[k])) for k in a)
    except ArithmeticError:
        return False


def targets_posted(form) -> bool:
    """Whether the submitted form carried any target input."""
    return any(form[f"target_{key}"].raw_data for key in FORM_TARGETS)
