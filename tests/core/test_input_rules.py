"""The shared input rules (``app.validation``), and that every door applies them: every API
blueprint parses with the rules, every form derives from the ruled base, every ``<int:...>``
in a URL is bounded."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date
from decimal import Decimal

import flask_smorest
import flask_wtf
import pytest
import wtforms
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from app import validation as v
from app.api import Blueprint as RuledBlueprint
from app.forms import Form, SubForm

PACKAGES = ("app", "contracts", "evaluations", "reports")


@given(st.text())
def test_text_is_refused_exactly_when_it_holds_a_control_character(text):
    single = any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in text)
    multi = any((ord(c) < 0x20 and c not in "\t\r\n") or 0xD800 <= ord(c) <= 0xDFFF
                for c in text)
    assert (v.text_problem(text) is not None) == single
    assert (v.text_problem(text, multiline=True) is not None) == multi


def test_the_refusal_names_the_character_and_its_position(app):
    with app.test_request_context():
        assert v.text_problem("ab\x07") == "Remove the control character U+0007 (position 3)."
        assert v.text_problem("a\nb") == "Line breaks and tabs are not allowed here."


@given(st.integers())
def test_integers_are_refused_exactly_beyond_what_a_column_holds(number):
    assert (v.int_problem(number) is None) == (-(2**31) <= number <= 2**31 - 1)


@pytest.mark.parametrize("amount, fine", [
    ("120000.00", True), ("0.01", True), ("1.5", True), ("999999999999.99", True),
    ("1e12", False), ("1E+30", False), ("NaN", False), ("Infinity", False), ("-1", False),
    ("1.234", False), ("0", False)])
def test_money(app, amount, fine):
    with app.test_request_context():
        assert (v.money_problem(Decimal(amount), positive=True) is None) == fine


def test_dates_leave_room_for_arithmetic(app):
    with app.test_request_context():
        assert v.date_problem(date(2026, 1, 1)) is None
        assert v.date_problem(date(9999, 12, 31)) is not None
        assert v.date_problem(date(1, 1, 1)) is not None


def test_json_nesting_is_bounded_without_recursion(app):
    with app.test_request_context(), pytest.raises(ValueError):
        v.parse_json("[" * 100_000 + "]" * 100_000)
    assert v.parse_json('{"a": [1, 2]}') == {"a": [1, 2]}


def test_json_problems_name_each_culprit_by_its_path(app):
    with app.test_request_context():
        problems = v.json_problems({"a": [1, 2**64], "b": {"c": float("nan")}, "d\x07": 1,
                                    "e": "多行\n文本"})
    assert set(problems) == {"a.1", "b.c", "d\x07"}


# ---- every door applies them --------------------------------------------------------------------

def _modules():
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_api_blueprint_parses_with_the_rules(app):
    smorest = [bp for bp in app.blueprints.values() if isinstance(bp, flask_smorest.Blueprint)]
    assert len(smorest) > 10
    assert [bp.name for bp in smorest if not isinstance(bp, RuledBlueprint)] == []


def test_every_form_derives_from_the_ruled_bases(app):
    list(_modules())  # import every module, so that every form class exists
    ours = [cls for cls in _subclasses(wtforms.Form)
            if cls.__module__.split(".")[0] in PACKAGES and cls.__module__ != "app.forms"]
    assert len(ours) > 30
    stray = [f"{cls.__module__}.{cls.__name__}" for cls in ours
             if not issubclass(cls, Form | SubForm)]
    assert stray == []
    assert all(issubclass(cls, flask_wtf.FlaskForm) or issubclass(cls, SubForm) for cls in ours)


def test_every_int_in_a_url_is_bounded(app):
    converters = [conv for rule in app.url_map.iter_rules()
                  for conv in rule._converters.values() if isinstance(conv, IntegerConverter)]
    assert converters and all(isinstance(c, v.BoundedIntConverter) and c.max == 2**31 - 1
                              and c.regex == "[0-9]+" for c in converters)
