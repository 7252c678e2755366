"""A contract's targets: which each service type sets, and the numbers they may be (shared by
drafting, ``contracts.terms``, and amending, ``contracts.lifecycle``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from app.validation import NUMBER_CEILING
from contracts.common import Errors, add
from contracts.labels import target_label
from contracts.models import ServiceType
from contracts.submissions.data import MAX_ROSTER

#: allowed target keys per service type; None = any key (``other`` services define their own)
TARGET_KEYS: dict[ServiceType, frozenset[str] | None] = {
    ServiceType.HOUSEHOLD_SURVEY: frozenset({"households"}),
    ServiceType.FACILITY_OPERATION: frozenset({"beds", "occupancy"}),
    ServiceType.ENTRUSTED_CARE: frozenset({"children"}),
    ServiceType.OTHER: None,
}
#: targets that are percentages
PERCENT_TARGETS = frozenset({"occupancy"})
#: targets that count households, children or beds: whole numbers
COUNT_TARGETS = frozenset({"households", "children", "beds"})


def check_targets(service_type: ServiceType | None, value: Any, errors: Errors) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        add(errors, "targets", _("Targets are a mapping of name to number."))
        return {}
    allowed = TARGET_KEYS.get(service_type) if service_type else None
    targets: dict[str, int | float] = {}
    for key, raw in value.items():
        if allowed is not None and key not in allowed:
            add(errors, "targets", _("%(key)s is not a target of this service type (allowed: "
                                     "%(allowed)s).", key=target_label(key),
                                     allowed=", ".join(target_label(k) for k in sorted(allowed))))
            continue
        if not isinstance(key, str) or not key.isidentifier():
            add(errors, "targets", _("A target name is a word such as households."))
            continue
        try:
            number = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            number = Decimal(-1)
        if isinstance(raw, bool) or not number.is_finite() or number <= 0:
            add(errors, "targets", _("Target %(key)s must be a number greater than zero.",
                                     key=target_label(key)))
        elif key in COUNT_TARGETS and number != number.to_integral_value():
            # half a household drafted as typed: attainment was reckoned against it
            add(errors, "targets", _("Target %(key)s is a count: a whole number.",
                                     key=target_label(key)))
        elif key in PERCENT_TARGETS and number > 100:
            add(errors, "targets", _("Target %(key)s is a percentage (at most 100).",
                                     key=target_label(key)))
        elif number > NUMBER_CEILING:
            # no count is that large; a bigger one (say "1e999") is a typing error that would
            # overflow every later sum of the performance scores
            add(errors, "targets", _("Target %(key)s is too large.", key=target_label(key)))
        elif key == "children" and number > MAX_ROSTER:
            # the monthly roster names each child and holds at most MAX_ROSTER rows: more
            # children could never be reported
            add(errors, "targets", _("Target %(key)s is at most %(max)d (the most a monthly "
                                     "roster can report).", key=target_label(key),
                                     max=MAX_ROSTER))
        else:
            targets[key] = int(number) if number == number.to_integral_value() else float(number)
    return targets
