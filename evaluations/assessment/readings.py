"""The ``reading`` config of a template item: which template parameters score the measured value.

In the exchange format a ``reading`` item carries
``"reading": {"full_at": "min_room_temperature", "half_at": "half_credit_temperature",
"min": -10, "max": 40, "unit": "℃"}``: the max at or above the value of parameter ``full_at``,
half at or above ``half_at`` (optional), 0 below; a reading must lie within ``min``..``max``
(a typo such as 180 is refused, not scored). ``unit`` defaults to the ``full_at``
parameter's unit. Other kinds carry no ``reading``.

``check_readings`` is called by ``format.parse_template`` once the parameters are read; it
normalises each config in place and reports problems at ``sections[i].items[j].reading.*``
(and at ``.max_points`` where the half credit would not be a multiple of 0.5).
``rule_for`` turns a stored config and the version's parameters into the scoring rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from app.validation import text_problem
from evaluations.assessment.parameters import MAX_UNIT
from evaluations.item_kinds import ReadingRule, earned_for_reading

READING_KEYS = {"full_at", "half_at", "min", "max", "unit"}
#: an answer keeps its reading in NUMERIC(6, 1): a range reaching beyond let inspectors type
#: a value the database then refused (PostgreSQL) without naming the answer
MAX_READING = Decimal("99999.9")


def _number(value: Any) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def check_readings(check: Any, sections: list[dict], parameters: dict) -> None:
    """Validate and normalise the ``reading`` of every item (``check`` is format's checker)."""
    for i, section in enumerate(sections):
        for j, item in enumerate(section["items"]):
            path = f"sections[{i}].items[{j}].reading"
            who = _("Item “%(key)s”", key=item.get("key"))
            config = item.pop("reading", None)
            if item.get("kind") != "reading":
                if config is not None:
                    check.add(path, _("%(who)s: only a reading item names its thresholds.",
                                      who=who))
                continue
            if config is None:
                check.add(path, _("%(who)s: a reading item names the parameters that score it "
                                  "(full_at, half_at) and its range (min, max).", who=who))
                continue
            normalised = _config(check, config, path, who, parameters)
            if normalised is not None:
                item["reading"] = normalised
                _check_half_credit(check, item, f"sections[{i}].items[{j}].max_points", who)


def _check_half_credit(check: Any, item: dict, path: str, who: str) -> None:
    """Half the max must be a step of 0.5 like any answer's points: an answer stores its points
    with one decimal, so the half credit of 2.5 (1.25) would be kept rounded, unlike the score."""
    top = item.get("max_points")
    if "half_at" in item["reading"] and top is not None and Decimal(str(top)) % 1:
        check.add(path, _("%(who)s: a reading item with a half credit must have a whole number "
                          "of max points, so that its half credit is a multiple of 0.5.",
                          who=who))


def _config(check: Any, config: Any, path: str, who: str, parameters: dict) -> dict | None:
    if check.obj(config, path, READING_KEYS, who) is None:
        return None
    out: dict[str, Any] = {}
    values: dict[str, Decimal | None] = {}
    for field in ("full_at", "half_at"):
        key = config.get(field)
        if key is None and field == "half_at":
            continue
        if not isinstance(key, str) or key not in parameters:
            check.add(f"{path}.{field}", _("%(who)s: “%(field)s” must name a parameter of the "
                                           "template.", who=who, field=field))
            continue
        out[field] = key
        value = parameters[key].get("value")
        values[field] = None if value is None else Decimal(str(value))
    low = check.number(config.get("min"), f"{path}.min", who, _("the lowest reading"), places=1)
    high = check.number(config.get("max"), f"{path}.max", who, _("the highest reading"),
                        places=1)
    bounds = {}
    for field, bound in (("min", low), ("max", high)):
        if bound is not None and abs(bound) > MAX_READING:
            check.add(f"{path}.{field}", _("%(who)s: a reading lies between -%(limit)s and "
                                           "%(limit)s.", who=who, limit=MAX_READING))
            bound = None
        bounds[field] = bound
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low >= high:
        check.add(f"{path}.max", _("%(who)s: the highest reading must be above the lowest.",
                                   who=who))
        low = high = None
    full, half = values.get("full_at"), values.get("half_at")
    if full is not None and half is not None and half >= full:
        check.add(f"{path}.half_at", _("%(who)s: the half-credit value must be below the "
                                       "full-credit value.", who=who))
    for field, value in values.items():
        if value is not None and low is not None and high is not None and not (
                low <= value <= high):
            check.add(f"{path}.{field}", _("%(who)s: the value of “%(key)s” lies outside the "
                                           "range of readings.", who=who, key=out[field]))
    unit = config.get("unit")
    if unit is None and out.get("full_at"):
        unit = parameters[out["full_at"]].get("unit", "")
    if not isinstance(unit, str) or len(unit) > MAX_UNIT or text_problem(unit):
        check.add(f"{path}.unit", _("%(who)s: the unit is a short text.", who=who))
        unit = ""
    if low is not None:
        out["min"] = _number(low)
    if high is not None:
        out["max"] = _number(high)
    if unit:
        out["unit"] = unit
    return out


def rule_for(config: dict | None, parameters: dict) -> ReadingRule | None:
    """The scoring rule of a stored ``reading`` config with this version's parameter values."""
    if not config:
        return None
    half = config.get("half_at")
    return ReadingRule(
        full_at=Decimal(str(parameters[config["full_at"]]["value"])),
        half_at=None if half is None else Decimal(str(parameters[half]["value"])),
        low=Decimal(str(config["min"])), high=Decimal(str(config["max"])),
        unit=config.get("unit", ""))


def _shown(value: Decimal) -> str:
    return format(value.normalize(), "f")


def item_rule(item: Any) -> ReadingRule | None:
    """The rule of a stored ``TemplateItem`` (None unless it is a reading item)."""
    if item.kind != "reading" or not item.reading:
        return None
    return rule_for(item.reading, item.section.template.parameters)


def rule_text(item: Any) -> str:
    """How a reading item scores, as the form shows it: "≥ 18℃: 5 points; ≥ 16℃: 2.5; …"."""
    rule = item_rule(item)
    if rule is None:
        return ""
    top = Decimal(item.max_points)
    parts = [_("at or above %(value)s%(unit)s: %(points)s points", value=_shown(rule.full_at),
               unit=rule.unit, points=_shown(top))]
    if rule.half_at is not None:
        parts.append(_("at or above %(value)s%(unit)s: %(points)s points",
                       value=_shown(rule.half_at), unit=rule.unit, points=_shown(top / 2)))
    parts.append(_("below: 0 points"))
    return "; ".join(parts)


def result_text(item: Any, reading: Decimal | None) -> str:
    """A reading and what it earned, as the inspection page and the scorecard show it:
    "17.5℃ → 2.5 points"."""
    rule = item_rule(item)
    if rule is None or reading is None:
        return ""
    earned = earned_for_reading(rule, Decimal(item.max_points), Decimal(reading))
    return _("%(reading)s%(unit)s → %(points)s points", reading=_shown(Decimal(reading)),
             unit=rule.unit, points=_shown(earned))
