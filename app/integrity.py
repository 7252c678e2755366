"""What the database refuses, said in the domain's words, in one place for every write.

The app's session class turns, at ``flush`` (the ORM's writes), ``execute`` (bulk inserts) and
``commit``:

- a unique violation into ``Conflict`` (409) naming the field that clashes;
- a foreign-key violation into ``Conflict`` (409): what it points to is gone, or still in use;
- a check, not-null or data violation (too long, out of range) into ``ValidationError`` (422);
- a stale optimistic version (``StaleDataError``: the ``UPDATE ... WHERE revision = :read``
  found no row) into ``Conflict`` (409);
- a transaction the server gave up to let another through (PostgreSQL's class 40: a deadlock,
  a serialization failure) into ``Conflict`` (409): nothing was saved, trying again works;

after rolling the whole transaction back (unless a SAVEPOINT is open: the caller's
``begin_nested`` block rolls that back), so nothing half-written survives and the page showing
the refusal can still read the database. Features may word the refusal of one of their
constraints with :func:`explain`. Control characters never reach a text column either
(``before_flush``), whatever door the text came through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import flask_sqlalchemy.session
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.db import Base
from app.errors import Conflict, DomainError, ValidationError
from app.validation import text_problem

#: the refusals this module translates (and of operational errors, :func:`gave_way`)
DATABASE_REFUSALS = (sa.exc.IntegrityError, sa.exc.DataError, so.exc.StaleDataError)


def gave_way(error: BaseException) -> bool:
    """Whether the server rolled the transaction back for another one at the same instant
    (SQLSTATE class 40: ``40P01`` deadlock, ``40001`` serialization failure) — not an outage,
    not a fault of the request: a refusal like a stale revision."""
    state = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    return isinstance(error, sa.exc.OperationalError) and state.startswith("40")


#: what the session catches to tell a refusal (:func:`is_refusal`) from any other failure
_CAUGHT = (*DATABASE_REFUSALS, sa.exc.OperationalError)


def is_refusal(error: BaseException) -> bool:
    return isinstance(error, DATABASE_REFUSALS) or gave_way(error)


@dataclass(frozen=True)
class Violation:
    #: unique, foreign_key, in_use, check, not_null or data
    kind: str
    table: str | None = None
    columns: tuple[str, ...] = ()
    constraint: str | None = None


@dataclass(frozen=True)
class Explanation:
    field: str
    message: Any  # a lazy string


_explanations: dict[tuple[str, frozenset[str]], Explanation] = {}


def explain(table: str, columns: tuple[str, ...], *, field: str, message: Any) -> None:
    """Word the refusal of the unique key ``columns`` of ``table`` (a lazy string)."""
    _explanations[(table, frozenset(columns))] = Explanation(field, message)


# ---- reading the driver's error ---------------------------------------------------------------

_PG_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=")
_SQLITE = re.compile(r"(?P<what>UNIQUE|NOT NULL|CHECK) constraint failed: (?P<rest>.+)")


def _pg_violation(orig: Any) -> Violation | None:
    state = getattr(orig, "sqlstate", None)
    if not state:
        return None
    diag = orig.diag
    table, constraint = diag.table_name, diag.constraint_name
    detail = diag.message_detail or ""
    found = _PG_KEY.search(detail)
    columns = tuple(c.strip().strip('"') for c in found["columns"].split(",")) if found else ()
    if state == "23505":
        return Violation("unique", table, columns, constraint)
    if state == "23503":
        kind = "in_use" if "still referenced" in detail else "foreign_key"
        return Violation(kind, table, columns, constraint)
    if state == "23514":
        return Violation("check", table, _check_columns(table, constraint), constraint)
    if state == "23502":
        return Violation("not_null", table, (diag.column_name,) if diag.column_name else ())
    return Violation("data", table, (diag.column_name,) if diag.column_name else ())


def _sqlite_violation(message: str) -> Violation:
    found = _SQLITE.search(message)
    if "FOREIGN KEY constraint failed" in message:
        return Violation("foreign_key")
    if found is None:
        return Violation("data")
    what, rest = found["what"], found["rest"].strip()
    if what == "CHECK":
        return Violation("check", None, _check_columns(None, rest), rest)
    pairs = [part.strip().split(".", 1) for part in rest.split(",")]
    table = pairs[0][0] if len(pairs[0]) == 2 else None
    columns = tuple(pair[-1] for pair in pairs)
    return Violation("unique" if what == "UNIQUE" else "not_null", table, columns)


def _check_columns(table_name: str | None, constraint: str | None) -> tuple[str, ...]:
    """The columns a CHECK constraint (by its name in the database) speaks of."""
    if not constraint:
        return ()
    for table in Base.metadata.tables.values():
        if table_name and table.name != table_name:
            continue
        for check in table.constraints:
            if not isinstance(check, sa.CheckConstraint) or not check.name:
                continue
            if constraint in (check.name, f"ck_{table.name}_{check.name}"):
                text = str(check.sqltext)
                return tuple(c.name for c in table.columns
                             if re.search(rf"\b{re.escape(c.name)}\b", text))
    return ()


def violation_of(error: BaseException) -> Violation:
    """What the database refused, as far as its driver tells."""
    if isinstance(error, so.exc.StaleDataError):
        return Violation("stale")
    if gave_way(error):
        return Violation("gave_way")
    orig = getattr(error, "orig", None)
    violation = _pg_violation(orig) if orig is not None else None
    if violation is not None:
        return violation
    if isinstance(error, sa.exc.IntegrityError):
        return _sqlite_violation(str(orig if orig is not None else error))
    return Violation("data")


# ---- in the domain's words --------------------------------------------------------------------

def _field_names(columns: tuple[str, ...]) -> list[str]:
    """The fields a client recognises: a key's own columns before the ids it hangs from."""
    own = [c for c in columns if not c.endswith("_id")]
    return own or list(columns)


def refusal(error: BaseException) -> DomainError:
    """The domain error telling what the database refused in ``error``."""
    violation = violation_of(error)
    names = _field_names(violation.columns)
    if violation.kind == "stale":
        return Conflict(_("Someone else changed this record since you loaded it; nothing was "
                          "saved. Reload it and try again."))
    if violation.kind == "gave_way":
        return Conflict(_("Another change to the same records was being saved at the same "
                          "moment; nothing was saved. Try again."))
    if violation.kind == "unique":
        known = _explanations.get((violation.table or "", frozenset(violation.columns)))
        if known is not None:
            return Conflict(str(known.message), {known.field: [str(known.message)]})
        message = _("Nothing was saved: another record already has the same %(fields)s.",
                    fields=", ".join(names) or _("values"))
        return Conflict(message, {name: [_("Already used by another record.")]
                                  for name in names})
    if violation.kind == "in_use":
        return Conflict(_("Nothing was saved: other records still refer to this one."))
    if violation.kind == "foreign_key":
        message = _("Nothing was saved: a record it refers to does not exist (any more).")
        return Conflict(message, {name: [_("No such record.")] for name in names})
    message = (_("Nothing was saved: a value is too long or out of range.")
               if violation.kind == "data" else
               _("Nothing was saved: a value is missing or not allowed."))
    return ValidationError(message, {name: [_("This value is not allowed.")] for name in names})


class Session(flask_sqlalchemy.session.Session):
    """``db.session``: database refusals leave as domain errors (see the module's docstring)."""

    def _refuse(self, error: BaseException) -> DomainError:
        if not self.in_nested_transaction():
            self.rollback()
        return refusal(error)

    def flush(self, objects: Any = None) -> None:
        try:
            super().flush(objects)
        except _CAUGHT as error:
            if not is_refusal(error):
                raise
            raise self._refuse(error) from error
        except DomainError:
            if not self.in_nested_transaction():
                self.rollback()
            raise

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().execute(*args, **kwargs)
        except _CAUGHT as error:
            if not is_refusal(error):
                raise
            raise self._refuse(error) from error

    def commit(self) -> None:
        self.flush()  # refused and rolled back here, outside the commit's own bookkeeping
        try:
            super().commit()
        except _CAUGHT as error:  # a constraint checked, or a serialization failed, at COMMIT
            if not is_refusal(error):
                raise
            raise refusal(error) from error


# ---- control characters never stored ----------------------------------------------------------

_TEXT_TYPES = (sa.String, sa.Text)


def _refuse_control_characters(session: so.Session, *_args: Any) -> None:
    """Changed text columns (and strings inside changed JSON columns) hold no control
    character but tab and line breaks, whichever door the text came through."""
    problems: dict[str, list[str]] = {}
    for obj in (*session.new, *session.dirty):
        state = sa.inspect(obj)
        for attr in state.mapper.column_attrs:
            column = attr.columns[0]
            if not isinstance(column.type, _TEXT_TYPES + (sa.JSON,)):
                continue
            history = state.attrs[attr.key].history
            for value in history.added:
                for text in _strings(value):
                    problem = text_problem(text, multiline=True)
                    if problem:
                        problems.setdefault(attr.key, []).append(problem)
    if problems:
        raise ValidationError(_("Nothing was saved: remove the control characters."), problems)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return out

if not sa.event.contains(Session, "before_flush", _refuse_control_characters):
    sa.event.listen(Session, "before_flush", _refuse_control_characters)
