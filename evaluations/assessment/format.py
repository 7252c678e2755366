"""The template exchange format ``careprocure-template/1``: full validation and normalisation.

``parse_template(data)`` checks a decoded JSON document and returns it normalised (defaults
filled in, numbers as ``int`` when whole, else ``float``), in exactly the shape
``services.export_template`` writes, so ``export(import(x)) == parse_template(x)``.
Every problem is collected and reported at once, keyed by its JSON path, e.g.
``sections[2].items[4].max_points``, with a message naming the section or item by its key.

Decisions where the brief is silent:

- ``zh_CN`` texts are required everywhere (the bureau's working language); ``en`` may be
  empty or missing, the UI then falls back to Chinese.
- Unknown keys are refused: a typo such as ``max_point`` must not silently drop a value.
- Weights are numbers ≥ 0 with at most two decimals, and at least one section weighs more
  than 0 (otherwise no total could ever be computed). They need not sum to 100: the total
  is a weighted mean.
- Grade bands: unique snake_case grade codes (any code: the template's own, stored with each
  result), minimum scores 0..100 with one decimal at most, strictly descending, the last at 0.
  A band may carry its own ``label`` (zh_CN required when given) and ``section_floors``
  (section key → minimum section score 0..100); the last band is what remains, so it has no
  floors. ``label`` and ``section_floors`` are written only when given, so templates without
  them read and write exactly as before.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from app.errors import ValidationError
from app.validation import number_problem, text_problem
from evaluations.assessment.parameters import MAX_UNIT, PARAMETER_KEYS, unknown_placeholders
from evaluations.assessment.readings import check_readings
from evaluations.item_kinds import KINDS

FORMAT = "careprocure-template/1"
TARGETS = ("facility", "contract")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
MAX_KEY = 60
MAX_NAME = 200
#: Numeric(6, 1) holds up to 99999.9; nobody needs more than this per item
MAX_ITEM_POINTS = Decimal(1000)
MAX_WEIGHT = Decimal(100000)
LANGS = ("zh_CN", "en")

TOP_KEYS = {"format", "code", "name", "description", "target", "grade_bands", "sections",
            "signatures_required", "parameters"}
SECTION_KEYS = {"key", "name", "weight", "items"}
ITEM_KEYS = {"key", "text", "kind", "max_points", "critical", "allow_na", "evidence_required",
             "guidance", "reading"}
FLAGS = ("critical", "allow_na", "evidence_required")
BAND_KEYS = {"grade", "min_score", "label", "section_floors"}
MAX_GRADE = 20
MAX_LABEL = 40


def json_number(value: Decimal) -> int | float:
    """A Decimal as JSON writes it: ``5`` rather than ``5.0``, ``2.5`` as is."""
    return int(value) if value == value.to_integral_value() else float(value)


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path or "_schema", []).append(message)

    def obj(self, value: Any, path: str, allowed: set[str], who: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, _("%(who)s: must be an object.", who=who))
            return None
        for extra in sorted(set(value) - allowed, key=str):
            self.add(f"{path}.{extra}" if path else str(extra),
                     _("%(who)s: unknown field “%(field)s”.", who=who, field=extra))
        return value

    def text(self, value: Any, path: str, who: str, *, required: bool, limit: int | None = None,
             multiline: bool = False) -> dict[str, str]:
        """A ``{"zh_CN": ..., "en": ...}`` pair; zh_CN required when ``required``."""
        out = {"zh_CN": "", "en": ""}
        if value is None and not required:
            return out
        if not isinstance(value, dict):
            self.add(path, _("%(who)s: must be an object with “zh_CN” and “en” texts.", who=who))
            return out
        for extra in sorted(set(value) - set(LANGS), key=str):
            self.add(f"{path}.{extra}", _("%(who)s: unknown language “%(lang)s”.", who=who,
                                          lang=extra))
        for lang in LANGS:
            text = value.get(lang, "")
            if text is None:
                text = ""
            if not isinstance(text, str):
                self.add(f"{path}.{lang}", _("%(who)s: must be text.", who=who))
                continue
            text = text.strip()
            problem = text_problem(text, multiline=multiline)
            if problem:
                self.add(f"{path}.{lang}", f"{who}: {problem}")
            if limit and len(text) > limit:
                self.add(f"{path}.{lang}", _("%(who)s: at most %(n)d characters.", who=who,
                                             n=limit))
            out[lang] = text
        if required and not out["zh_CN"] and isinstance(value.get("zh_CN", ""), str | None):
            self.add(f"{path}.zh_CN", _("%(who)s: the Chinese text is required.", who=who))
        return out

    def number(self, value: Any, path: str, who: str, what: str, *, places: int
               ) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(path, _("%(who)s: %(what)s must be a number.", who=who, what=what))
            return None
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):  # an int past Python's 4300 digits for str()
            number = Decimal("NaN")
        if not number.is_finite():
            self.add(path, _("%(who)s: %(what)s must be a number.", who=who, what=what))
            return None
        problem = number_problem(number)  # before quantize, which fails on huge numbers
        if problem:
            self.add(path, f"{who}: {problem}")
            return None
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.add(path, _("%(who)s: %(what)s may have at most %(n)d decimal places.",
                             who=who, what=what, n=places))
            return None
        return number

    def flag(self, value: Any, path: str, who: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(path, _("%(who)s: must be true or false.", who=who))
            return False
        return value

    def key(self, value: Any, path: str, who: str, seen: dict[str, str]) -> str:
        if not isinstance(value, str) or not KEY_RE.match(value) or len(value) > MAX_KEY:
            self.add(path, _("%(who)s: the key must be snake_case (a-z, 0-9, _), at most "
                             "%(n)d characters.", who=who, n=MAX_KEY))
            return value if isinstance(value, str) else ""
        if value in seen:
            self.add(path, _("%(who)s: the key “%(key)s” is already used at %(other)s.",
                             who=who, key=value, other=seen[value]))
        else:
            seen[value] = path
        return value


def parse_template(data: Any) -> dict:
    """Validate ``data`` fully; return it normalised or raise ``ValidationError``."""
    check = _Checker()
    template = _("Template")
    doc = check.obj(data, "", TOP_KEYS, template)
    if doc is None:
        raise ValidationError(_("The template must be a JSON object."), check.errors)
    if doc.get("format") != FORMAT:
        check.add("format", _("%(who)s: the format must be “%(format)s”.", who=template,
                              format=FORMAT))
    code = doc.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        check.add("code", _("%(who)s: the code must be 2–40 characters a-z, 0-9 and _, "
                            "starting with a letter.", who=template))
    target = doc.get("target")
    if target not in TARGETS:
        check.add("target", _("%(who)s: the target must be “facility” or “contract”.",
                              who=template))
    out = {
        "format": FORMAT,
        "code": code,
        "name": check.text(doc.get("name"), "name", _("Template name"), required=True,
                           limit=MAX_NAME),
        "description": check.text(doc.get("description"), "description",
                                  _("Template description"), required=False, multiline=True),
        "target": target,
        "sections": _sections(check, doc.get("sections")),
    }
    # optional, and written only when true, so that documents without it stay as they were
    if check.flag(doc.get("signatures_required"), "signatures_required", template):
        out["signatures_required"] = True
    parameters = _parameters(check, doc.get("parameters"))
    _check_placeholders(check, out["sections"], parameters)
    check_readings(check, out["sections"], parameters)
    if parameters:  # written only when present, so that documents without stay as they were
        out["parameters"] = parameters
    section_keys = {section["key"] for section in out["sections"]}
    out["grade_bands"] = _grade_bands(check, doc.get("grade_bands"), section_keys)
    if check.errors:
        count = sum(len(messages) for messages in check.errors.values())
        raise ValidationError(_("The template is not valid: %(n)d problem(s).", n=count),
                              check.errors)
    return out


def _parameters(check: _Checker, parameters: Any) -> dict:
    """``{"key": {"value": N, "unit": "℃", "label": {"zh_CN", "en"}}}``; unit and label
    optional."""
    if parameters is None:
        return {}
    if not isinstance(parameters, dict):
        check.add("parameters", _("Parameters: an object of keys and values is required."))
        return {}
    out = {}
    for key, parameter in parameters.items():
        path = f"parameters.{key}"
        who = _("Parameter “%(key)s”", key=key)
        if not isinstance(key, str) or not KEY_RE.match(key) or len(key) > MAX_KEY:
            check.add(path, _("%(who)s: the key must be snake_case.", who=who))
            continue
        if check.obj(parameter, path, PARAMETER_KEYS, who) is None:
            continue
        value = check.number(parameter.get("value"), f"{path}.value", who, _("the value"),
                             places=2)
        unit = parameter.get("unit", "")
        if not isinstance(unit, str) or len(unit) > MAX_UNIT or text_problem(unit):
            check.add(f"{path}.unit", _("%(who)s: the unit is a short text.", who=who))
            unit = ""
        entry = {"value": json_number(value) if value is not None else None}
        if unit:
            entry["unit"] = unit
        if parameter.get("label") is not None:
            entry["label"] = check.text(parameter["label"], f"{path}.label", who,
                                        required=True, limit=MAX_NAME)
        out[key] = entry
    return out


def _check_placeholders(check: _Checker, sections: list[dict], parameters: dict) -> None:
    """Every ``{key}`` in an item's text or guidance names a parameter of the template."""
    for i, section in enumerate(sections):
        for j, item in enumerate(section["items"]):
            for field in ("text", "guidance"):
                for lang, text in (item.get(field) or {}).items():
                    for key in unknown_placeholders(text, parameters):
                        check.add(f"sections[{i}].items[{j}].{field}.{lang}", _(
                            "“{%(key)s}” names no parameter of the template.", key=key))


def _floors(check: _Checker, floors: Any, path: str, who: str, section_keys: set[str],
            last: bool) -> dict:
    """A band's ``section_floors``: section key → minimum score, keys of this template."""
    if floors is None:
        return {}
    if not isinstance(floors, dict):
        check.add(path, _("%(who)s: section floors must be an object of section keys and "
                          "minimum scores.", who=who))
        return {}
    if floors and last:
        check.add(path, _("%(who)s: the last band is what remains; it cannot require section "
                          "floors.", who=who))
    out = {}
    for key, value in floors.items():
        if key not in section_keys:
            check.add(f"{path}.{key}", _("%(who)s: there is no section “%(key)s”.", who=who,
                                         key=key))
            continue
        floor = check.number(value, f"{path}.{key}", who, _("a section floor"), places=1)
        if floor is not None and not 0 <= floor <= 100:
            check.add(f"{path}.{key}", _("%(who)s: a section floor lies between 0 and 100.",
                                         who=who))
        elif floor is not None:
            out[key] = json_number(floor)
    return out


def _grade_bands(check: _Checker, bands: Any, section_keys: set[str]) -> list[dict]:
    if not isinstance(bands, list) or not bands:
        check.add("grade_bands", _("Grade bands: a non-empty list is required."))
        return []
    out, grades, previous = [], set(), None
    for i, band in enumerate(bands):
        path = f"grade_bands[{i}]"
        who = _("Grade band %(n)d", n=i + 1)
        if check.obj(band, path, BAND_KEYS, who) is None:
            continue
        grade = band.get("grade")
        if not isinstance(grade, str) or not KEY_RE.match(grade) or len(grade) > MAX_GRADE:
            check.add(f"{path}.grade", _("%(who)s: the grade must be a snake_case code.",
                                         who=who))
        elif grade in grades:
            check.add(f"{path}.grade", _("%(who)s: the grade “%(grade)s” appears twice.",
                                         who=who, grade=grade))
        else:  # only a valid code: a JSON list or object as the grade is unhashable
            grades.add(grade)
        minimum = check.number(band.get("min_score"), f"{path}.min_score", who,
                               _("the minimum score"), places=1)
        if minimum is not None:
            if not 0 <= minimum <= 100:
                check.add(f"{path}.min_score", _("%(who)s: the minimum score must be between "
                                                 "0 and 100.", who=who))
            elif previous is not None and minimum >= previous:
                check.add(f"{path}.min_score", _("%(who)s: minimum scores must be strictly "
                                                 "descending.", who=who))
            previous = minimum
            entry = {"grade": grade, "min_score": json_number(minimum)}
            if band.get("label") is not None:
                entry["label"] = check.text(band["label"], f"{path}.label", who, required=True,
                                            limit=MAX_LABEL)
            floors = _floors(check, band.get("section_floors"), f"{path}.section_floors", who,
                             section_keys, last=i == len(bands) - 1)
            if floors:
                entry["section_floors"] = floors
            out.append(entry)
    if out and out[-1]["min_score"] != 0 and len(out) == len(bands):
        check.add(f"grade_bands[{len(bands) - 1}].min_score",
                  _("Grade bands: the last band must start at 0."))
    return out


def _sections(check: _Checker, sections: Any) -> list[dict]:
    if not isinstance(sections, list) or not sections:
        check.add("sections", _("Sections: a non-empty list is required."))
        return []
    out: list[dict] = []
    keys: dict[str, str] = {}
    total_weight = Decimal(0)
    for i, section in enumerate(sections):
        path = f"sections[{i}]"
        key = section.get("key") if isinstance(section, dict) else None
        who = (_("Section “%(key)s”", key=key) if isinstance(key, str) and key
               else _("Section %(n)d", n=i + 1))
        if check.obj(section, path, SECTION_KEYS, who) is None:
            continue
        weight = check.number(section.get("weight"), f"{path}.weight", who, _("the weight"),
                              places=2)
        if weight is not None and weight < 0:
            check.add(f"{path}.weight", _("%(who)s: the weight must not be negative.", who=who))
            weight = None
        elif weight is not None and weight >= MAX_WEIGHT:
            check.add(f"{path}.weight", _("%(who)s: the weight must be less than %(max)s.",
                                          who=who, max=MAX_WEIGHT))
            weight = None
        total_weight += weight or 0
        out.append({
            "key": check.key(key, f"{path}.key", who, keys),
            "name": check.text(section.get("name"), f"{path}.name", who, required=True,
                               limit=MAX_NAME),
            "weight": json_number(weight) if weight is not None else None,
            "items": _items(check, section.get("items"), path, who, keys),
        })
    if not check.errors and total_weight <= 0:
        check.add("sections", _("Sections: at least one section must weigh more than 0."))
    return out


def _items(check: _Checker, items: Any, section_path: str, section_who: str,
           keys: dict[str, str]) -> list[dict]:
    if not isinstance(items, list) or not items:
        check.add(f"{section_path}.items", _("%(who)s: at least one item is required.",
                                             who=section_who))
        return []
    out = []
    for j, item in enumerate(items):
        path = f"{section_path}.items[{j}]"
        key = item.get("key") if isinstance(item, dict) else None
        who = (_("Item “%(key)s”", key=key) if isinstance(key, str) and key
               else _("%(section)s, item %(n)d", section=section_who, n=j + 1))
        if check.obj(item, path, ITEM_KEYS, who) is None:
            continue
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:  # a list or object is unhashable
            check.add(f"{path}.kind", _("%(who)s: the kind must be one of %(kinds)s.", who=who,
                                        kinds=", ".join(sorted(KINDS))))
        max_points = check.number(item.get("max_points"), f"{path}.max_points", who,
                                  _("max points"), places=1)
        if max_points is not None and (max_points <= 0 or max_points > MAX_ITEM_POINTS
                                       or (max_points * 2) % 1):
            check.add(f"{path}.max_points", _("%(who)s: max points must be a positive multiple "
                                              "of 0.5, at most %(max)s.", who=who,
                                              max=MAX_ITEM_POINTS))
            max_points = None
        entry = {
            "key": check.key(key, f"{path}.key", who, keys),
            "text": check.text(item.get("text"), f"{path}.text", who, required=True),
            "kind": kind,
            "max_points": json_number(max_points) if max_points is not None else None,
        }
        for flag in FLAGS:
            entry[flag] = check.flag(item.get(flag), f"{path}.{flag}", who)
        entry["guidance"] = check.text(item.get("guidance"), f"{path}.guidance", who,
                                       required=False, multiline=True)
        if item.get("reading") is not None:  # checked with the parameters: check_readings
            entry["reading"] = item["reading"]
        out.append(entry)
    return out
