"""The audit trail as a reader sees it: labels of actions, objects, fields and coded values.

The trail stores codes (table names, column keys, enum values) so that it never changes with
the language; this module turns them into words when the page is drawn. Labels of enum values
come from the label maps the features already give every template (``*_LABELS`` keyed by
enum members), so the core needs no import of a feature to show 履行中 instead of ``active``.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime, gettext
from flask_babel import lazy_gettext as _l

from app.db import UTCDateTime
from app.extensions import db

ACTION_LABELS = {
    "create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
    "view_full_id": _l("Viewed a full ID number"),
    "export_full_ids": _l("Exported full ID numbers"), "correct": _l("Corrected"),
    "sign_out": _l("Signed out"), "sign_in_failed": _l("Failed sign-in"),
}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None
    plain: str | None = None  # a detail that is not an old → new pair


def words(code: str) -> str:
    """``end_date`` → "End date", ``CorrectiveAction`` → "Corrective action", translated when
    the catalog knows the words (the labels of the forms and lists, and the field words of
    :mod:`app.audit.field_words`)."""
    text = _CAMEL.sub(" ", code).replace("_", " ").strip().lower()
    text = text[:-3] if text.endswith(" id") else text
    text = text[:1].upper() + text[1:]
    return gettext(text)


def _mappers() -> dict[str, Any]:
    return {m.local_table.name: m for m in db.Model.registry.mappers
            if getattr(m, "local_table", None) is not None}


def label_maps() -> dict[str, Mapping]:
    """The ``*_LABELS`` maps the templates receive, by name."""
    context: dict = {}
    current_app.update_template_context(context)
    return {name: value for name, value in context.items()
            if name.endswith("_LABELS") and isinstance(value, Mapping) and value}


def labels_of(enum_class: type, maps: Mapping[str, Mapping]) -> Mapping | None:
    """The label map of ``enum_class``: the one whose codes are exactly its values, else the
    smallest that holds them all (a map's keys are codes or the members themselves)."""
    values = {m.value for m in enum_class}
    fitting = []
    for labels in maps.values():
        codes = {k.value if isinstance(k, enum.Enum) else k for k in labels}
        if values <= codes:
            fitting.append((len(codes - values), labels))
    if not fitting:
        return None
    labels = min(fitting, key=lambda pair: pair[0])[1]
    return {code: label for key, label in labels.items()
            for code in [key.value if isinstance(key, enum.Enum) else key]}


class Reader:
    """Turns audit rows into labelled lines; built once per page."""

    def __init__(self) -> None:
        self.mappers = _mappers()
        self.maps = label_maps()
        self.value_maps: dict[type, Mapping | None] = {}
        self._words: dict[str, str] | None = None

    def object_label(self, object_type: str) -> str:
        mapper = self.mappers.get(object_type)
        return words(mapper.class_.__name__) if mapper is not None else object_type

    def action_label(self, action: str) -> str:
        label = ACTION_LABELS.get(action)
        return str(label) if label is not None else words(action)

    def _column(self, object_type: str, key: str) -> Any:
        mapper = self.mappers.get(object_type)
        return mapper.columns.get(key) if mapper is not None else None

    def _enum_class(self, object_type: str, key: str) -> type | None:
        column = self._column(object_type, key)
        if column is not None and isinstance(column.type, sa.Enum):
            return column.type.enum_class
        return None

    def _moment(self, object_type: str, key: str, value: Any) -> str | None:
        """A stored moment (kept in UTC, ISO 8601) in the bureau's time, as every page shows
        one; ``None`` for any other value."""
        column = self._column(object_type, key)
        if not isinstance(value, str) or column is None or not isinstance(
                column.type, UTCDateTime):
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC),
                               "yyyy-MM-dd HH:mm:ss")

    def value(self, object_type: str, key: str, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        enum_class = self._enum_class(object_type, key)
        if enum_class is not None:
            if enum_class not in self.value_maps:
                self.value_maps[enum_class] = labels_of(enum_class, self.maps)
            labels = self.value_maps[enum_class]
            if labels is not None and value in labels:
                return str(labels[value])
        if isinstance(value, list | dict):
            return self.nested(value)
        return self._moment(object_type, key, value) or str(value)

    def nested(self, value: Any) -> str:
        """A JSON value (a report's data, a targets mapping, a list of service types) in
        words: codes by their labels at every depth, inner mappings in brackets."""
        if isinstance(value, dict):
            return ", ".join(f"{self.word(str(k))}: {self._inner(v)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(self._inner(v) for v in value)
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, str):
            return self.word(value)
        return "∅" if value is None else json.dumps(value)

    def _inner(self, value: Any) -> str:
        text = self.nested(value)
        return f"({text})" if isinstance(value, dict | list) and value else text

    def word(self, code: str) -> str:
        """A code inside a JSON value (a list of service types, a targets mapping): its label
        where every label map that knows it says the same, else a key's words, else the text
        itself."""
        if self._words is None:
            seen: dict[str, set[str]] = {}
            for labels in self.maps.values():
                for key, label in labels.items():
                    seen.setdefault(str(getattr(key, "value", key)), set()).add(str(label))
            self._words = {code: next(iter(ls)) for code, ls in seen.items() if len(ls) == 1}
        if code in self._words:
            return self._words[code]
        return words(code) if _KEY.fullmatch(code) else code

    def changes(self, entry) -> list[Change]:
        lines = []
        for key, change in (entry.changes or {}).items():
            label = words(key)
            if isinstance(change, list) and len(change) == 2:
                lines.append(Change(label, self.value(entry.object_type, key, change[0]),
                                    self.value(entry.object_type, key, change[1])))
            else:
                lines.append(Change(label, None, None, self.value(entry.object_type, key, change)))
        return lines
