"""The JSON door's argument parser: every endpoint's query, form and JSON body pass the shared
input rules of ``app.validation`` before their schema loads them.

Walking the raw arguments beside the schema names each culprit by its field (``amount``,
``installments.0.share_percent``) with a 422, for every endpoint at once: integers beyond what
a column holds, or that are no whole number in ASCII digits (the schema would read 2.5 as 2
and "١٢" as 12), non-finite or absurd numbers, dates out of range, control characters (tab
and line breaks only in multi-line fields), whatever a free-form ``Dict`` or ``Raw`` field
carries. JSON bodies nested too deeply are a 400 and bodies over ``MAX_JSON_LENGTH`` a 413.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import marshmallow as ma
from flask import Request
from flask import abort as flask_abort
from flask_babel import gettext as _
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app import validation as v

Problems = dict[str, list[str]]


def _is_multiline(name: str, field: ma.fields.Field) -> bool:
    return bool(field.metadata.get("multiline", name in v.MULTILINE_NAMES))


def _date_of(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None


def _item_path(field: ma.fields.List, path: str, i: int) -> str:
    """Where item ``i`` of a list is: ``installments.0``, or ``answers[0]`` for a list whose
    service names its items so (metadata ``bracketed``), so that one field has one name
    whichever check refuses it."""
    return f"{path}[{i}]" if field.metadata.get("bracketed") else f"{path}.{i}"


def _not_whole() -> str:
    return _("Enter a whole number from %(low)d to %(high)d.", low=v.INT_MIN, high=v.INT_MAX)


def _whole_number_problem(value: str | int | float) -> str | None:
    """The problem of ``value`` bound for an integer field, whose schema reads more than a
    whole number: 2.5 as 2 (truncated), and "١٢" or "1_000" (what ``int()`` reads) as 12 or
    1000."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return v.number_problem(value)
        if not value.is_integer():
            return _not_whole()
        value = int(value)
    elif isinstance(value, str):
        try:
            value = v.whole_number(value)
        except ValueError:
            try:
                int(value)
            except ValueError:
                return None  # not a number: the schema says so
            return _not_whole()
    return v.int_problem(value)


def _field_problems(name: str, field: ma.fields.Field | None, value: Any, path: str,
                    problems: Problems) -> None:
    """Add the problems of ``value``, bound for ``field`` (``None``: unknown to the schema)."""
    def add(message: str | None) -> None:
        if message:
            problems.setdefault(path, []).append(message)

    if isinstance(field, ma.fields.Nested) and isinstance(value, dict | list):
        schema = field.schema
        items = value if isinstance(value, list) and field.many else [value]
        for i, item in enumerate(items):
            where = f"{path}.{i}" if field.many else path
            if isinstance(item, dict):
                _mapping_problems(schema, item, where, problems)
            else:
                _merge(problems, v.json_problems(item, where))
    elif isinstance(field, ma.fields.List) and isinstance(value, list):
        for i, item in enumerate(value):
            _field_problems(name, field.inner, item, _item_path(field, path, i), problems)
    elif isinstance(field, ma.fields.String) and isinstance(value, str):
        add(v.text_problem(value, multiline=_is_multiline(name, field)))
    elif isinstance(field, ma.fields.Integer) and isinstance(value, str | int | float):
        add(_whole_number_problem(value))
    elif isinstance(field, ma.fields.Dict) and isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}"
            problem = v.text_problem(str(key))
            if problem:
                problems.setdefault(where, []).append(problem)
            _field_problems(name, field.value_field, item, where, problems)
    elif isinstance(field, ma.fields.Number) and isinstance(value, str | int | float):
        number = v.as_decimal(value)
        if number is not None:
            add(v.number_problem(number))
    elif isinstance(field, ma.fields.Date | ma.fields.DateTime):
        day = _date_of(value)
        if day is not None:
            add(v.date_problem(day))
        elif isinstance(value, str):
            add(v.text_problem(value))
    else:  # Raw, Dict, Boolean, Enum, unknown: whatever the client sent must still be sane
        _merge(problems, v.json_problems(value, path))


def _mapping_problems(schema: ma.Schema, data: dict, path: str, problems: Problems) -> None:
    by_key = {(f.data_key or name): (name, f) for name, f in schema.fields.items()}
    for key, value in data.items():
        name, field = by_key.get(key, (key, None))
        where = f"{path}.{key}" if path else str(key)
        problem = v.text_problem(str(key))
        if problem:
            problems.setdefault(where, []).append(problem)
        _field_problems(name, field, value, where, problems)


def _merge(problems: Problems, more: Problems) -> None:
    for key, messages in more.items():
        problems.setdefault(key, []).extend(messages)


def argument_problems(schema: ma.Schema, data: Any) -> Problems:
    """The problems of a location's raw data (a dict, a MultiDict or any JSON) for ``schema``."""
    problems: Problems = {}
    if hasattr(data, "lists"):  # a query string or form: every value of every key
        by_key = {(f.data_key or name): (name, f) for name, f in schema.fields.items()}
        for key, values in data.lists():
            name, field = by_key.get(key, (key, None))
            if isinstance(field, ma.fields.List):
                field = field.inner
            problem = v.text_problem(str(key))
            if problem:
                problems.setdefault(str(key), []).append(problem)
            for value in values:
                _field_problems(name, field, value, key, problems)
    elif isinstance(data, dict):
        _mapping_problems(schema, data, "", problems)
    else:
        _merge(problems, v.json_problems(data))
    return problems


class DoorParser(FlaskParser):
    """webargs' Flask parser with the shared input rules (see the module's docstring)."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        v.refuse_large_json(raw)
        if not raw:
            raise json.JSONDecodeError("empty body", "", 0)  # webargs: no body → missing
        try:
            return v.parse_json(raw)
        except json.JSONDecodeError:
            raise  # a syntax error: webargs' plain 400
        except ValueError as error:  # nested too deeply, or not UTF-8
            flask_abort(400, description=str(error))

    def pre_load(self, location_data: Any, *, schema: ma.Schema, req: Request,
                 location: str) -> Any:
        raw = location_data
        if location in ("query", "querystring"):
            raw = req.args
        elif location == "form":
            raw = req.form
        elif location in ("files", "headers", "cookies"):
            return location_data
        problems = argument_problems(schema, raw)
        if problems:
            raise ma.ValidationError(problems)
        return location_data
