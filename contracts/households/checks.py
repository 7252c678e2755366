"""Validating a household-record file: every row checked, all errors reported, all or nothing.

Pure and fast: :func:`read_households` takes the file's bytes, its name and an
:class:`ImportContext` (plain values the caller looks up: the contract's region subtree, its
period, today, the ID numbers already stored) and returns an :class:`ImportResult` holding either
the normalised rows or every error found (up to :data:`MAX_ERRORS`, then one "and N more").
The caller stores nothing when ``result.errors`` is not empty.

Messages are English source strings wrapped in ``flask_babel.lazy_gettext``: they are built
without an application context and translated when ``str()`` is called, i.e. when a view or
:func:`~contracts.households.error_table.errors_xlsx` renders them inside a request.

Decisions (see the tests):

- Unknown columns refuse the file: an all-or-nothing import should not silently drop data that
  a user typed under a misspelt header. Blank header cells are ignored.
- ID numbers: 18 characters, 17 digits, the GB 11643 check character (``x`` is read as ``X``) and
  a real birth date between 1900 and today. ``stdnum.cn.ric.validate`` is not used as a whole: it
  also requires the first six digits to be a county that existed in the birth year, which refuses
  real numbers (e.g. 421202 咸安区 for anyone born before 1998 who registered later), and it costs
  about 56 µs a number; its ``calc_check_digit`` is used.
- Money: a plain decimal (no thousands separators, no exponent), at most two places, below
  10^12 yuan (``Numeric(14, 2)``). Excel floats are read to Excel's 15 significant digits (a
  formula's 516.3000000000001 is 516.3), never by float arithmetic: 1234.5 is 1234.50.
- Dates: text ``YYYY-MM-DD`` or a real Excel date cell (a date-time cell counts by its date).
- The visit itself (民发〔2021〕57号): two different investigators, both signature boxes "yes"
  (a "no" refuses the row, naming the field), urban or rural. Optional columns: the staff
  relative flag (empty is no), the photos flag, and the income lines, which must add up to the
  monthly income when any is given (an empty line counts as none).
- The template's example row (:data:`~contracts.households.files.EXAMPLE`) is skipped, so the
  template imports as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from stdnum.cn.ric import calc_check_digit

from contracts.households.cells import (
    Invalid,
    applicant_signed,
    area,
    cell_text,
    id_characters,
    mask_id,
    members,
    money,
    name,
    optional_money,
    optional_yes_no,
    quote,
    recommendation,
    same_person,
    surveyors_signed,
    yes_no,
)
from contracts.households.error_table import errors_xlsx  # noqa: F401 (its home before)
from contracts.households.files import (
    ALL_FIELDS,
    EXAMPLE,
    FIELDS,
    INCOME_FIELDS,
    LABELS,
    UnreadableFile,
    column_map,
    open_table,
)
from contracts.households.sheet_bounds import MAX_ROWS

#: Errors kept in a result; beyond it they are counted and summarised in one last error.
MAX_ERRORS = 1000

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID_BODY = re.compile(r"[0-9]{17}[0-9X]")


@dataclass(frozen=True, slots=True)
class ImportContext:
    """What the rows are checked against, looked up by the caller (no database here)."""

    allowed_region_codes: frozenset[str]  #: codes of the contract's region and its descendants
    period_start: date  #: first day of the contract period (inclusive)
    period_end: date  #: last day of the contract period (inclusive)
    today: date  #: ``app.clock.today()`` of the caller
    existing_id_numbers: frozenset[str] = frozenset()  #: already stored for contract and period
    #: a survey date's reporting period, in which an ID number is stored once
    period_of: Callable[[date], str] | None = None
    stored: frozenset[tuple[str, str]] = frozenset()  #: (ID number, period) stored, by period_of
    max_rows: int = MAX_ROWS


class HouseholdRow(NamedTuple):
    """One valid, normalised record (a tuple: compact for 100,000 rows and a bulk insert)."""

    id_number: str
    head_name: str
    region_code: str
    members: int
    monthly_income: Decimal
    assets: Decimal
    survey_date: date
    surveyor: str
    recommendation: str
    second_surveyor: str
    surveyors_signed: bool
    applicant_signed: bool
    area: str
    staff_relative: bool = False
    photos_taken: bool | None = None
    #: the income lines given ({"income_wages": Decimal(...)}), None when the file has none
    income_lines: dict[str, Decimal] | None = None


class RowError(NamedTuple):
    """One problem: ``row`` as numbered in Excel (``None`` for the file as a whole), the
    field's key (or ``"file"``/``"header"``), and a lazy translatable message."""

    row: int | None
    field: str
    message: Any


@dataclass(slots=True)
class ImportResult:
    """Rows when the whole file is valid; otherwise no rows and the errors."""

    rows: list[HouseholdRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  #: all errors found, including those beyond MAX_ERRORS

    @property
    def ok(self) -> bool:
        return not self.errors


#: rows between two calls of a progress callback
PROGRESS_EVERY = 2000


def read_households(data: bytes, filename: str, context: ImportContext,
                    on_progress: Callable[[int], None] | None = None) -> ImportResult:
    """Read and check a household-record file; see the module docstring. ``on_progress`` is
    called with the number of rows read so far every :data:`PROGRESS_EVERY` rows."""
    try:
        table = open_table(data, filename)
    except UnreadableFile as exc:
        return _failed(RowError(None, "file", exc.message))
    indices, missing, unknown, repeated = column_map(table.header)
    header_errors = []
    if missing:
        names = ", ".join(f"{LABELS[key]} ({key})" for key in missing)
        header_errors.append(RowError(table.header_row, "header",
                                      _l("Missing columns: %(names)s.", names=names)))
    if unknown:
        header_errors.append(RowError(table.header_row, "header", _l(
            "Unknown columns: %(names)s. Remove them or use the names of the template.",
            names=", ".join(quote(text, None) for text in unknown))))
    if repeated:
        header_errors.append(RowError(table.header_row, "header", _l(
            "Columns given more than once: %(names)s.",
            names=", ".join(f"{LABELS[key]} ({key})" for key in repeated))))
    if header_errors:
        return ImportResult(errors=header_errors, error_count=len(header_errors))
    try:
        return _Validator(context).run(table.rows, indices, on_progress)
    except UnreadableFile as exc:
        return _failed(RowError(None, "file", exc.message))


def _failed(error: RowError) -> ImportResult:
    return ImportResult(errors=[error], error_count=1)


#: the value of a refused cell (a cell left empty may be ``None``)
_REFUSED = object()


def _cross_checks(values: dict[str, Any], incomes: list[str]) -> list[tuple[str, Any]]:
    """Rules between the cells of one row: (field, message) of each broken one; a rule whose
    cells were refused on their own is not judged."""
    broken = []
    first, second = values["surveyor"], values["second_surveyor"]
    if first is not _REFUSED and second is not _REFUSED and same_person(first, second):
        broken.append(("second_surveyor", _l(
            "The second investigator must be someone other than %(name)s: a home visit needs "
            "at least two investigators.", name=quote(first, None))))
    income = values["monthly_income"]
    lines = [values[key] for key in incomes]
    given = [line for line in lines if line is not None]
    if given and income is not _REFUSED and _REFUSED not in lines:
        total = sum(given, Decimal(0))
        if total != income:
            broken.append(("monthly_income", _l(
                "The income lines add up to %(total)s yuan, not the monthly income %(income)s "
                "yuan.", total=f"{total:.2f}", income=f"{income:.2f}")))
    return broken


class _Validator:
    """Checks rows one by one with lookups prepared once per file."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.first_row_of: dict[str, int] = {}
        self._birth_dates: dict[str, bool] = {}
        self._dates: dict[Any, date] = {}
        # Each takes the raw cell and returns the value or raises Invalid.
        self.checks: dict[str, Callable[[Any], Any]] = {
            "id_number": self.id_number, "head_name": name, "region_code": self.region_code,
            "members": members, "monthly_income": money, "assets": money,
            "survey_date": self.survey_date, "surveyor": name,
            "recommendation": recommendation, "second_surveyor": name,
            "surveyors_signed": surveyors_signed, "applicant_signed": applicant_signed,
            "area": area, "staff_relative": optional_yes_no, "photos_taken": yes_no,
        } | {key: optional_money for key in INCOME_FIELDS}

    def run(self, rows: Iterable[tuple[int, Sequence[Any]]], indices: dict[str, int],
            on_progress: Callable[[int], None] | None = None) -> ImportResult:
        result = ImportResult()
        errors = result.errors
        out = result.rows
        keys = [key for key in ALL_FIELDS if key in indices]
        get = itemgetter(*(indices[key] for key in keys))
        width = max(indices.values()) + 1
        checks = tuple((key, self.checks[key]) for key in keys)
        incomes = [key for key in INCOME_FIELDS if key in indices]
        example_id, example_name = EXAMPLE["id_number"], EXAMPLE["head_name"]
        max_rows = self.context.max_rows
        count = 0
        error_count = 0
        for number, cells in rows:
            if len(cells) < width:
                cells = [*cells, *([""] * (width - len(cells)))]
            raw = get(cells)
            for cell in raw:  # skip blank rows (a value of 0 is not blank)
                if cell.__class__ is str:
                    if cell.strip():
                        break
                elif cell is not None:
                    break
            else:
                continue
            if raw[0] == example_id and cell_text(raw[1]) == example_name:
                continue  # the template's example row
            count += 1
            if on_progress is not None and count % PROGRESS_EVERY == 0:
                on_progress(count)
            if count > max_rows:
                errors.clear()
                out.clear()
                errors.append(RowError(number, "file", _l(
                    "The file has more than %(max)d records; split it into smaller files.",
                    max=max_rows)))
                result.error_count = 1
                return result
            values: dict[str, Any] = {}
            failed = False
            for (key, check), cell in zip(checks, raw, strict=True):
                try:
                    values[key] = check(cell)
                except Invalid as exc:
                    values[key] = _REFUSED
                    failed = True
                    error_count += 1
                    if len(errors) < MAX_ERRORS:
                        errors.append(RowError(number, key, exc.message))
            for key, message in _cross_checks(values, incomes):
                failed = True
                error_count += 1
                if len(errors) < MAX_ERRORS:
                    errors.append(RowError(number, key, message))
            if values["id_number"] is not _REFUSED and self.duplicate(
                    values["id_number"], values["survey_date"], number, errors):
                failed = True
                error_count += 1
            if failed:
                out.clear()  # all or nothing: rows are useless once one is wrong
            elif not error_count:
                lines = {key: values[key] for key in incomes if values[key] is not None}
                out.append(HouseholdRow(
                    *(values[key] for key in FIELDS),
                    staff_relative=values.get("staff_relative", False),
                    photos_taken=values.get("photos_taken"), income_lines=lines or None))
        if error_count > len(errors):
            errors.append(RowError(None, "", _l("… and %(n)d more errors.",
                                                n=error_count - len(errors))))
        result.error_count = error_count
        return result

    # --- checks that need the context ---------------------------------------------------

    def id_number(self, cell: Any) -> str:
        if cell.__class__ is not str:
            if cell is None:
                raise Invalid(_l("Enter the ID number."))
            raise Invalid(_l("The ID number is stored as a number, which loses digits in "
                              "Excel; format the column as text and type it again."))
        number = id_characters(cell)
        if not number:
            raise Invalid(_l("Enter the ID number."))
        if len(number) != 18:
            raise Invalid(_l("The ID number must have 18 characters, not %(n)d.",
                              n=len(number)))
        if not _ID_BODY.fullmatch(number):
            raise Invalid(_l("The ID number must be 17 digits followed by a digit or X."))
        if not self._birth_date_ok(number[6:14]):
            raise Invalid(_l("The ID number %(number)s has an impossible birth date %(birth)s.",
                              number=mask_id(number), birth=number[6:14]))
        if calc_check_digit(number) != number[17]:
            raise Invalid(_l("The ID number %(number)s has a wrong check character "
                              "(a typing error?).", number=mask_id(number)))
        return number

    def _birth_date_ok(self, digits: str) -> bool:
        known = self._birth_dates.get(digits)
        if known is None:
            try:
                born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            except ValueError:
                known = False
            else:
                known = born.year >= 1900 and born <= self.context.today
            self._birth_dates[digits] = known
        return known

    def duplicate(self, number: str, day: Any, row: int, errors: list[RowError]) -> bool:
        """Record ``number`` as seen at ``row``; report it when already in the file (once per
        file, API.md) or stored for the period of ``day``."""
        period_of = self.context.period_of
        period = period_of(day) if period_of and day is not _REFUSED else None
        message = None
        if number in self.context.existing_id_numbers or (number, period) in self.context.stored:
            message = _l("The ID number %(number)s is already recorded for this contract "
                         "and period.", number=mask_id(number))
        else:
            first = self.first_row_of.setdefault(number, row)
            if first != row:
                message = _l("The ID number %(number)s is already in row %(first)d of this file.",
                             number=mask_id(number), first=first)
        if message is None:
            return False
        if len(errors) < MAX_ERRORS:
            errors.append(RowError(row, "id_number", message))
        return True

    def region_code(self, cell: Any) -> str:
        code = cell_text(cell)
        if not code:
            raise Invalid(_l("Enter the region code."))
        if code not in self.context.allowed_region_codes:
            raise Invalid(_l("The region %(code)s is not inside the contract's region.",
                              code=quote(code)))
        return code

    def survey_date(self, cell: Any) -> date:
        day = self._dates.get(cell)  # many rows share a date: parse and check each once
        if day is None:
            day = self._survey_date(cell)
            self._dates[cell] = day
        return day

    def _survey_date(self, cell: Any) -> date:
        ctx = self.context
        if isinstance(cell, datetime):
            day = cell.date()
        elif isinstance(cell, date):
            day = cell
        else:
            text = cell_text(cell)
            if not text:
                raise Invalid(_l("Enter the survey date."))
            try:
                if not _DATE_TEXT.fullmatch(text):
                    raise ValueError(text)
                day = date.fromisoformat(text)
            except ValueError:
                raise Invalid(_l("The survey date %(value)s is not a date like 2026-03-31.",
                                  value=quote(text))) from None
        if day > ctx.today:
            raise Invalid(_l("The survey date %(day)s is in the future.", day=day.isoformat()))
        if not ctx.period_start <= day <= ctx.period_end:
            raise Invalid(_l("The survey date %(day)s is outside the contract period "
                              "%(start)s – %(end)s.", day=day.isoformat(),
                              start=ctx.period_start.isoformat(), end=ctx.period_end.isoformat()))
        return day

