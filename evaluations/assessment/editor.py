"""The structured template editor: between indexed HTML form fields and the exchange format.

The page posts plain fields with indexed names (``name_zh``, ``grade_bands-1-min_score``,
``sections-0-weight``, ``sections-0-items-3-text_zh``...); a band's section floors are typed
as one line, ``safety: 80, care: 70`` (section key: minimum score). ``state_from_form`` reads
them into an ``EditorState`` that keeps every row exactly as typed (so a refused edit
re-renders as the admin left it); ``to_document`` turns the state into a ``careprocure-template/1`` dict for
``format.parse_template`` / ``services.new_version``, which hold every rule.
This module validates nothing itself: a number that is not one is passed on as text, so the
format reports it at its path, and ``attach_errors`` maps those paths
(``sections[2].items[4].max_points``) back to the rows the admin sees.

Rows that are left blank are ignored (that is how one adds: fill in a blank row), and so are
rows whose "remove" box is ticked. Removed and blank rows shift the document's indices, so
``to_document`` remembers which row became which index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from evaluations.assessment.format import json_number
from evaluations.item_kinds import KINDS
from evaluations.labels import ITEM_KIND_LABELS

#: blank rows offered under each section, and blank grade-band rows, for adding
BLANK_ITEMS = 3
BLANK_BANDS = 1
#: a field of the exchange format → the editor field it is typed in
_FIELD_OF = {"name.zh_CN": "name_zh", "name.en": "name_en", "text.zh_CN": "text_zh",
             "text.en": "text_en", "guidance.zh_CN": "guidance_zh", "guidance.en": "guidance_en",
             "description.zh_CN": "description_zh", "description.en": "description_en",
             "label.zh_CN": "label_zh", "label.en": "label_en", "label": "label_zh"}
_FLOOR_PAIR = re.compile(r"^\s*([^:=\s]+)\s*[:=：]\s*(\S+)\s*$")
_PATH = re.compile(r"^(?:sections\[(?P<s>\d+)\](?:\.items\[(?P<i>\d+)\])?"
                   r"|grade_bands\[(?P<b>\d+)\])(?:\.(?P<rest>.+))?$")
_ITEM_TEXTS = ("key", "text_zh", "text_en", "max_points", "guidance_zh", "guidance_en")
_FLAGS = ("critical", "allow_na", "evidence_required")
#: a typed number of more integer digits than any template holds is passed on as text
MAX_DIGITS = 15


def kind_choices() -> list[tuple[str, Any]]:
    """``(key, label)`` of every registered item kind, for the select."""
    return [(key, ITEM_KIND_LABELS.get(key, kind.label)) for key, kind in KINDS.items()]


@dataclass
class _Row:
    #: field name → messages of the format, shown next to the row; "" for the whole row
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


@dataclass
class BandRow(_Row):
    grade: str = ""
    min_score: str = ""
    label_zh: str = ""
    label_en: str = ""
    #: ``key: floor, key: floor`` as typed
    section_floors: str = ""

    @property
    def blank(self) -> bool:
        return not (self.grade or self.min_score or self.label_zh or self.label_en
                    or self.section_floors)


@dataclass
class ItemRow(_Row):
    key: str = ""
    text_zh: str = ""
    text_en: str = ""
    kind: str = "points"
    max_points: str = ""
    critical: bool = False
    allow_na: bool = False
    evidence_required: bool = False
    guidance_zh: str = ""
    guidance_en: str = ""
    #: ``reading`` items: their config (``assessment.readings``) as JSON text
    reading: str = ""
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not any(getattr(self, name) for name in _ITEM_TEXTS)


@dataclass
class SectionBlock(_Row):
    key: str = ""
    name_zh: str = ""
    name_en: str = ""
    weight: str = ""
    remove: bool = False
    items: list[ItemRow] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return (not (self.key or self.name_zh or self.name_en or self.weight)
                and all(item.blank for item in self.items))


@dataclass
class EditorState(_Row):
    name_zh: str = ""
    name_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    signatures_required: bool = False
    #: parameter key → its value as typed (unit and label stay those of the base version)
    parameters: dict[str, str] = field(default_factory=dict)
    grade_bands: list[BandRow] = field(default_factory=list)
    sections: list[SectionBlock] = field(default_factory=list)
    #: document index → the row it came from (filled by ``to_document``)
    _band_at: list[BandRow] = field(default_factory=list, repr=False)
    _section_at: list[SectionBlock] = field(default_factory=list, repr=False)
    _items_at: list[list[ItemRow]] = field(default_factory=list, repr=False)

    def with_blank_rows(self) -> EditorState:
        """Drop the rows left blank, then add the empty rows the page offers for adding
        bands, items and one section (so re-showing a posted page does not pile them up)."""
        self.grade_bands = [band for band in self.grade_bands if not band.blank]
        self.grade_bands += [BandRow() for _ in range(BLANK_BANDS)]
        self.sections = [section for section in self.sections if not section.blank]
        for section in self.sections:
            section.items = [item for item in section.items if not item.blank]
            section.items += [ItemRow() for _ in range(BLANK_ITEMS)]
        self.sections.append(SectionBlock(items=[ItemRow() for _ in range(BLANK_ITEMS)]))
        return self


# ---- document → state (pre-filling the page) -----------------------------------------------

def _number_text(value: Any) -> str:
    return "" if value is None else str(value)


def state_from_document(doc: dict) -> EditorState:
    """The page's rows for a template in the exchange format (``export_template``)."""
    return EditorState(
        name_zh=doc["name"]["zh_CN"], name_en=doc["name"]["en"],
        description_zh=doc["description"]["zh_CN"], description_en=doc["description"]["en"],
        signatures_required=doc.get("signatures_required", False),
        parameters={key: _number_text(parameter["value"])
                    for key, parameter in (doc.get("parameters") or {}).items()},
        grade_bands=[BandRow(grade=band["grade"], min_score=_number_text(band["min_score"]),
                             label_zh=(band.get("label") or {}).get("zh_CN", ""),
                             label_en=(band.get("label") or {}).get("en", ""),
                             section_floors=floors_text(band.get("section_floors")))
                     for band in doc["grade_bands"]],
        sections=[SectionBlock(
            key=section["key"], name_zh=section["name"]["zh_CN"], name_en=section["name"]["en"],
            weight=_number_text(section["weight"]),
            items=[ItemRow(key=item["key"], text_zh=item["text"]["zh_CN"],
                           text_en=item["text"]["en"], kind=item["kind"],
                           max_points=_number_text(item["max_points"]),
                           critical=item["critical"], allow_na=item["allow_na"],
                           evidence_required=item["evidence_required"],
                           guidance_zh=item["guidance"]["zh_CN"],
                           guidance_en=item["guidance"]["en"],
                           reading=json.dumps(item["reading"], ensure_ascii=False)
                           if item.get("reading") else "")
                   for item in section["items"]])
            for section in doc["sections"]],
    )


def floors_text(floors: dict | None) -> str:
    """A band's floors as the editor shows them: ``safety: 80, care: 70``."""
    return ", ".join(f"{key}: {value}" for key, value in (floors or {}).items())


def parse_floors(text: str) -> Any:
    """``safety: 80, care: 70`` → ``{"safety": 80, "care": 70}``; text that is not such a
    list is passed on as typed, for the format to refuse at its path."""
    if not text:
        return None
    floors: dict[str, Any] = {}
    for part in re.split(r"[,，;；\n]", text):
        if not part.strip():
            continue
        match = _FLOOR_PAIR.match(part)
        if match is None:
            return text
        floors[match.group(1)] = _number(match.group(2))
    return floors


# ---- form → state --------------------------------------------------------------------------

def _indices(form: MultiDict, prefix: str) -> list[int]:
    """The row numbers posted under ``prefix`` (``sections-`` → 0, 1, 5...), in order."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-")
    return sorted({int(match.group(1)) for name in form
                   if (match := pattern.match(name))})


def _text(form: MultiDict, name: str) -> str:
    return (form.get(name) or "").strip()


def _flag(form: MultiDict, name: str) -> bool:
    return form.get(name) not in (None, "", "0", "n", "false")


def _item_from_form(form: MultiDict, prefix: str) -> ItemRow:
    row = ItemRow(**{name: _text(form, prefix + name) for name in _ITEM_TEXTS},
                  **{name: _flag(form, prefix + name) for name in (*_FLAGS, "remove")})
    row.kind = _text(form, prefix + "kind")
    row.reading = _text(form, prefix + "reading")
    return row


def state_from_form(form: MultiDict) -> EditorState:
    """The rows as posted, blanks and removed ones included."""
    state = EditorState(**{name: _text(form, name) for name in
                           ("name_zh", "name_en", "description_zh", "description_en")})
    state.signatures_required = _flag(form, "signatures_required")
    state.parameters = {name.removeprefix("parameters-"): _text(form, name)
                        for name in form if name.startswith("parameters-")}
    state.grade_bands = [BandRow(**{name: _text(form, f"grade_bands-{b}-{name}") for name in
                                    ("grade", "min_score", "label_zh", "label_en",
                                     "section_floors")})
                         for b in _indices(form, "grade_bands-")]
    for s in _indices(form, "sections-"):
        prefix = f"sections-{s}-"
        state.sections.append(SectionBlock(
            key=_text(form, prefix + "key"), name_zh=_text(form, prefix + "name_zh"),
            name_en=_text(form, prefix + "name_en"), weight=_text(form, prefix + "weight"),
            remove=_flag(form, prefix + "remove"),
            items=[_item_from_form(form, f"{prefix}items-{i}-")
                   for i in _indices(form, prefix + "items-")]))
    return state


# ---- state → document ----------------------------------------------------------------------

def _number(text: str) -> Any:
    """A typed number as JSON would carry it; anything else as typed (the format refuses it)."""
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    # "1e30000000" is a short text but a 30-million-digit int, minutes to build: such a
    # number stays text, for the format to refuse at once
    if not number.is_finite() or number.adjusted() > MAX_DIGITS:
        return text
    return json_number(number)


def to_document(state: EditorState, base: dict) -> dict:
    """The exchange-format document of the rows kept; ``format``, ``code`` and ``target``
    come from ``base`` (the version being edited), never from the form."""
    state._band_at = [band for band in state.grade_bands if not band.blank]
    state._section_at = [section for section in state.sections
                         if not section.remove and not section.blank]
    state._items_at = [[item for item in section.items if not item.remove and not item.blank]
                       for section in state._section_at]
    return {
        "format": base["format"], "code": base["code"], "target": base["target"],
        "name": {"zh_CN": state.name_zh, "en": state.name_en},
        "description": {"zh_CN": state.description_zh, "en": state.description_en},
        "grade_bands": [_band_document(band) for band in state._band_at],
        "sections": [
            {"key": section.key, "name": {"zh_CN": section.name_zh, "en": section.name_en},
             "weight": _number(section.weight),
             "items": [{"key": item.key, "text": {"zh_CN": item.text_zh, "en": item.text_en},
                        "kind": item.kind, "max_points": _number(item.max_points),
                        **{flag: getattr(item, flag) for flag in _FLAGS},
                        "guidance": {"zh_CN": item.guidance_zh, "en": item.guidance_en},
                        **_reading_document(item)}
                       for item in items]}
            for section, items in zip(state._section_at, state._items_at, strict=True)],
    } | ({"signatures_required": True} if state.signatures_required else {}) | (
        {"parameters": _parameters_document(state, base)} if base.get("parameters") else {})


def _reading_document(item: ItemRow) -> dict:
    """The item's reading config; text that is not JSON is passed on for the format to refuse."""
    if not item.reading:
        return {}
    try:
        return {"reading": json.loads(item.reading)}
    except ValueError:
        return {"reading": item.reading}


def _parameters_document(state: EditorState, base: dict) -> dict:
    """The base version's parameters with the values typed (a missing one keeps its value)."""
    return {key: parameter | {"value": _number(state.parameters[key])}
            if key in state.parameters else dict(parameter)
            for key, parameter in base["parameters"].items()}


def _band_document(band: BandRow) -> dict:
    doc: dict[str, Any] = {"grade": band.grade, "min_score": _number(band.min_score)}
    if band.label_zh or band.label_en:
        doc["label"] = {"zh_CN": band.label_zh, "en": band.label_en}
    floors = parse_floors(band.section_floors)
    if floors is not None:
        doc["section_floors"] = floors
    return doc


def attach_errors(state: EditorState, fields: dict[str, list[str]]) -> None:
    """Put the format's messages, keyed by document path, on the rows they are about;
    what belongs to no row (the template's name, "no sections"...) goes on the state."""
    for path, messages in fields.items():
        row, name = _row_of(state, path)
        for message in messages:
            row.add_error(name, message)


def _row_of(state: EditorState, path: str) -> tuple[_Row, str]:
    match = _PATH.match(path)
    if match is None:
        return state, _FIELD_OF.get(path, path)
    rest = match["rest"] or ""
    try:
        if match["b"] is not None:
            row: _Row = state._band_at[int(match["b"])]
        elif match["i"] is not None:
            row = state._items_at[int(match["s"])][int(match["i"])]
        else:
            row = state._section_at[int(match["s"])]
    except IndexError:  # pragma: no cover - the format only names rows it was given
        return state, path
    if rest.startswith("section_floors"):
        return row, "section_floors"
    if rest.startswith("reading"):
        return row, "reading"
    return row, _FIELD_OF.get(rest, rest)
