"""Input rules every door shares (HTML forms, the JSON API, file imports): integers a column can
hold, text without control characters, finite numbers and yuan amounts a column can hold, dates that leave
room for arithmetic, and JSON that is neither too deep nor too large.

Each ``*_problem`` function returns the message to show, or ``None`` when the value is fine; the
WTForms fields (``app.forms``), the API's argument parser (``app.api``) and the services call
them, so a rule is written once. :func:`init_app` installs what holds for every request: a
bounded ``<int:...>`` URL converter, query and form arguments whose ``type=int`` stays in range,
and a ``request.get_json`` with limits; :class:`BoundedPaging` keeps ``db.paginate``'s
``?page=`` in range.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask, Request, abort, current_app, has_request_context, request
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import SelectPagination
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from app.db import rows_and_total

#: what an INTEGER column (every id included) holds: 32 bits on PostgreSQL, which refuses to
#: even compare a column with a larger parameter; SQLite's 64 bits hold it too
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: what any integer inside free-form JSON may be (SQLite refuses more, Python's json not)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: no list has a millionth page; keeps ``(page - 1) * per_page`` far inside an offset's range
MAX_PAGE = 1_000_000
#: any number (score, share, weight) beyond this is a typing error, and no column holds it
NUMBER_CEILING = Decimal("1e15")
#: MONEY columns are NUMERIC(14, 2): below a trillion yuan
MONEY_CEILING = Decimal("1e12")
CENT = Decimal("0.01")
#: dates leave thousands of years of room for any ``date + timedelta``
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2999, 12, 31)
#: the deepest JSON any endpoint reads is a few levels; a hostile body nests thousands
MAX_JSON_DEPTH = 32
#: JSON bodies (uploads have their own limit, ``MAX_CONTENT_LENGTH``)
DEFAULT_MAX_JSON_LENGTH = 2 * 1024 * 1024

# C0 controls, and lone surrogates (which no database can encode); multi-line text keeps
# tab, line feed and carriage return
_SINGLE_LINE_REFUSED = re.compile("[\x00-\x1f\ud800-\udfff]")
_MULTI_LINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

#: API fields by these names hold several lines (as their HTML fields are text areas)
MULTILINE_NAMES = frozenset({
    "comment", "definition", "description", "finding", "justification", "note", "notes",
    "problems", "reason", "response", "summary",
})


# ---- single values ----------------------------------------------------------------------------

def control_character(value: str, *, multiline: bool = False) -> tuple[int, int] | None:
    """The first refused character of ``value`` as ``(code point, 1-based position)``: control
    characters (``\\u0000``-``\\u001f``; tab and line breaks are allowed in multi-line text)
    and lone surrogates."""
    found = (_MULTI_LINE_REFUSED if multiline else _SINGLE_LINE_REFUSED).search(value)
    return None if found is None else (ord(found.group()), found.start() + 1)


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    found = control_character(value, multiline=multiline)
    if found is None:
        return None
    code, position = found
    if chr(code) in "\t\r\n":
        return _("Line breaks and tabs are not allowed here.")
    return _("Remove the control character U+%(code)04X (position %(position)d).",
             code=code, position=position)


def int_problem(value: int, *, low: int = INT_MIN, high: int = INT_MAX) -> str | None:
    if low <= value <= high:
        return None
    return _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)


def as_decimal(value: Any) -> Decimal | None:
    """``value`` (a number or its text) as a Decimal, or ``None`` when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip() if not isinstance(value, float) else repr(value))
    except (InvalidOperation, ValueError):
        return None


def number_problem(value: Decimal | float | int) -> str | None:
    """A finite number no larger than :data:`NUMBER_CEILING` in size."""
    number = as_decimal(value)
    if number is None or not number.is_finite():
        return _("Enter a finite number.")
    # copy_abs, not abs(): abs() rounds in the context, and overflows (a 500) on an exponent
    # beyond its Emax ("1e999999999")
    if number.copy_abs() > NUMBER_CEILING:
        return _("The number is too large.")
    return None


def money_problem(amount: Decimal, *, positive: bool = False) -> str | None:
    """A yuan amount: finite, at most two decimals, below :data:`MONEY_CEILING` in size, and
    above zero when ``positive`` (else at least zero)."""
    if not amount.is_finite():
        return _("Enter an amount in yuan, such as 120000.00.")
    if amount.copy_abs() >= MONEY_CEILING:  # before quantize, which fails on huge numbers
        return _("The amount is too large.")
    if amount != amount.quantize(CENT):
        return _("Enter an amount in yuan with at most two decimals.")
    if positive and amount <= 0:
        return _("The amount must be greater than zero.")
    if amount < 0:
        return _("The amount cannot be negative.")
    return None


def date_problem(day: date) -> str | None:
    if isinstance(day, datetime):
        day = day.date()
    if DATE_MIN <= day <= DATE_MAX:
        return None
    return _("Enter a date from %(first)s to %(last)s.", first=DATE_MIN.isoformat(),
             last=DATE_MAX.isoformat())


_WHOLE_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*")


def whole_number(value: Any) -> int:
    """An int, or text of ASCII digits (a sign at most) read as one; ``ValueError`` for
    anything else: ``int()`` alone reads "١٢" and "1_000" as numbers, and 2.5 as 2."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        return int(value)
    raise ValueError(f"not a whole number: {value!r}"[:80])


def bounded_int(value: Any) -> int:
    """A :func:`whole_number` that a column holds, for ``args.get(name, type=int)``;
    ``ValueError`` beyond."""
    number = whole_number(value)
    if int_problem(number) is not None:
        raise ValueError("integer out of range")
    return number


def page_number(value: Any) -> int:
    """A ``page`` argument: 1 to :data:`MAX_PAGE`; ``ValueError`` otherwise."""
    number = whole_number(value)
    if int_problem(number, low=1, high=MAX_PAGE) is not None:
        raise ValueError("page out of range")
    return number


# ---- JSON -------------------------------------------------------------------------------------

def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_json(raw: bytes | str) -> Any:
    """Parse a JSON body; ``ValueError`` when it is not JSON or nests too deeply.

    ``NaN`` and ``Infinity`` parse as floats, so that :func:`json_problems` names their field.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text)
    except RecursionError:
        raise ValueError(_("The JSON is nested more than %(n)d levels deep.",
                           n=MAX_JSON_DEPTH)) from None
    except UnicodeDecodeError:
        raise ValueError(_("The body is not UTF-8 text.")) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(_("The JSON is nested more than %(n)d levels deep.", n=MAX_JSON_DEPTH))
    return value


def max_json_length() -> int:
    return int(current_app.config.get("MAX_JSON_LENGTH", DEFAULT_MAX_JSON_LENGTH))


def refuse_large_json(raw: bytes | str) -> None:
    if len(raw) > max_json_length():
        raise RequestEntityTooLarge(_("The JSON body is larger than %(n)d KB.",
                                      n=max_json_length() // 1024))


def value_problem(value: Any, *, multiline: bool = True) -> str | None:
    """The problem of one scalar of unknown meaning (a JSON leaf, a query value)."""
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return int_problem(value, low=INT64_MIN, high=INT64_MAX)
    if isinstance(value, float | Decimal):
        return number_problem(value)
    return None


def json_problems(value: Any, path: str = "") -> dict[str, list[str]]:
    """Every hostile leaf of parsed JSON (control characters, out-of-range or non-finite
    numbers), by dotted path; keys are checked as single-line text."""
    problems: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                problem = text_problem(str(key))
                if problem:
                    problems.setdefault(name, []).append(problem)
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{where}.{i}" if where else str(i), child)
                         for i, child in enumerate(item))
        else:
            problem = value_problem(item)
            if problem:
                problems.setdefault(where or "_schema", []).append(problem)
    return problems


class StrictJSON:
    """``request.get_json()`` that refuses JSON nested too deeply (a ``ValueError``: Flask
    answers 400) and bodies above ``MAX_JSON_LENGTH`` (413); the values are the reader's to
    check, as the template format does, naming each by its path."""

    @staticmethod
    def loads(raw: bytes | str, **_: Any) -> Any:
        refuse_large_json(raw)
        return parse_json(raw)

    @staticmethod
    def dumps(value: Any, **kwargs: Any) -> str:
        return current_app.json.dumps(value, **kwargs)


# ---- every request ----------------------------------------------------------------------------

class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches only what an INTEGER column holds: a larger id is no row at
    all (404), and never reaches the database. ASCII digits only: werkzeug's ``\\d+`` also
    matches "١", which ``int()`` reads as 1 — another spelling of the same row's address."""

    regex = r"[0-9]+"
    signed_regex = r"-?[0-9]+"

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = INT_MAX, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedArgs(ImmutableMultiDict):
    """Query and form arguments whose ``get(..., type=int)`` refuses what no column holds, as
    it refuses text: the default comes back (a ``page`` beyond :data:`MAX_PAGE` included)."""

    def get(self, key: str, default: Any = None, type: Callable | None = None) -> Any:
        if type is int:
            type = page_number if key == "page" else bounded_int
        return super().get(key, default, type)

    def getlist(self, key: str, type: Callable | None = None) -> list:
        return super().getlist(key, bounded_int if type is int else type)


class BoundedPaging:
    """A mixin of the SQLAlchemy extension: ``db.paginate`` reads ``?page=`` only within
    1 to :data:`MAX_PAGE` (404 beyond, as for a page that is not a number), so that no page
    asks the database for an offset beyond 64 bits, and writes its limit and offset into the
    SQL (:func:`app.db.page_of`)."""

    def paginate(self, select: Any, *, page: int | None = None, per_page: int | None = None,
                 max_per_page: int | None = None, error_out: bool = True,
                 count: bool = True) -> Any:
        return InlinedPagination(select=select, session=self.session(),  # type: ignore[attr-defined]
                                 page=_asked_page(page), per_page=per_page,
                                 max_per_page=max_per_page, error_out=error_out, count=count)

    def paginate_rows(self, select: Any, *, per_page: int, counted: Any = None) -> Any:
        """A page of plain rows of ``select``, a select of columns: what a list shows of its
        rows and their parents, without building and tracking an object for each. ``counted``:
        the select whose rows are counted, where ``select`` only joins parents to it."""
        return RowPagination(select=select, session=self.session(),  # type: ignore[attr-defined]
                             counted=select if counted is None else counted,
                             page=_asked_page(None), per_page=per_page, max_per_page=None)


def _asked_page(page: int | None) -> int | None:
    if page is None and has_request_context() and "page" in request.args:
        try:
            return page_number(request.args["page"])
        except ValueError:
            abort(404)
    return page


class InlinedPagination(SelectPagination):
    """Flask-SQLAlchemy's page of a select: its limit and offset written into the SQL, and its
    total counted in the same statement (:func:`app.db.rows_and_total`)."""

    #: a page of entities may load their collections by joins
    unique = True

    def _query_items(self) -> list[Any]:
        return [row[0] for row in self._rows()]

    def _rows(self) -> list[Any]:
        args = self._query_args
        rows, self._total = rows_and_total(args["session"], args["select"], self.per_page,
                                           self._query_offset, counted=args.get("counted"),
                                           unique=self.unique)
        return rows

    def _query_count(self) -> int:
        return self._total


class RowPagination(InlinedPagination):
    """The page of a select keeping whole rows where it keeps the first column (the entity)
    of each (each also carries the total, :data:`app.db.TOTAL`); ``counted`` counts the rows
    without the parents the page joins to them (PostgreSQL joins them all the same to count:
    0.4 of the contract list's 0.6 ms count at city scale, measured)."""

    unique = False  # plain rows, which may hold values that do not hash (JSON)

    def _query_items(self) -> list[Any]:
        return self._rows()


class BoundedRequest(Request):
    """The app's request: bounded arguments, and a strict ``get_json``."""

    parameter_storage_class = BoundedArgs

    @property
    def json_module(self) -> type[StrictJSON]:
        return StrictJSON

    @json_module.setter
    def json_module(self, _: Any) -> None:
        """Flask hands each request the app's JSON provider; request bodies stay strict."""


def init_app(app: Flask) -> None:
    """Install the bounded ``int`` converter (before any route is added) and request class."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = BoundedRequest
    app.config.setdefault("MAX_JSON_LENGTH", DEFAULT_MAX_JSON_LENGTH)

