"""Saving an inspector's answers: the whole form under one version, or item by item merged.

Two ways in, one way to the database (``guards.claim_version`` first, then the rows):

- ``save_answers`` names the version of the whole form the device read; any save since is a
  ``Conflict`` and nothing is stored (the plain HTML form, older API clients).
- ``save_changes`` sends each changed item with ``base_version``, the version of THAT answer
  the device started from (0 if it had none). The merge rule (``merge_rule``): a change whose
  answer nobody saved since is applied; a change equal to what is stored is nothing to do; a
  change to an answer someone else saved since is a conflict, returned with both values and
  stored nowhere. Changes to different items from two devices therefore both survive, and
  nothing is overwritten silently.

Every written answer carries the new version of the form, which is how the next device knows
whether its own change was based on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import ValidationError
from app.extensions import db
from app.users.models import User
from app.validation import whole_number
from evaluations.assessment.readings import item_rule
from evaluations.inspections.answers import check_answers
from evaluations.inspections.guards import (
    claim_version,
    refuse_unless_editable,
    require_inspector,
    stale_version,
)
from evaluations.inspections.models import Inspection, InspectionAnswer
from evaluations.item_kinds import earned_for_reading
from evaluations.scoring import Answer

__all__ = ["Change", "ItemConflict", "Stored", "merge_rule", "save_answers", "save_changes"]

#: a version number must fit the column (and SQLite's 64-bit integers)
MAX_VERSION = 2**31 - 1


@dataclass(frozen=True)
class Stored:
    """What the server holds for one item, and the version of the form that wrote it."""

    points: Decimal | None
    yes: bool | None
    na: bool
    note: str
    version: int
    reading: Decimal | None = None


@dataclass(frozen=True)
class Change:
    """One device's value of one item and the version of the answer it started from."""

    item_id: int
    points: Decimal | None
    yes: bool | None
    na: bool
    #: None keeps the stored note
    note: str | None
    base_version: int
    reading: Decimal | None = None


@dataclass(frozen=True)
class ItemConflict:
    item_id: int
    yours: Change
    theirs: Stored


def _same(stored: Stored, change: Change) -> bool:
    return ((stored.points, stored.yes, stored.na, stored.reading)
            == (change.points, change.yes, change.na, change.reading)
            and (change.note is None or change.note == stored.note))


def merge_rule(stored: Mapping[int, Stored], changes: Iterable[Change]
               ) -> tuple[list[Change], list[ItemConflict]]:
    """The changes to apply and the conflicts to return (see the module's docstring)."""
    apply: list[Change] = []
    conflicts: list[ItemConflict] = []
    for change in changes:
        current = stored.get(change.item_id)
        if current is None or current.version <= change.base_version:
            apply.append(change)
        elif not _same(current, change):
            conflicts.append(ItemConflict(change.item_id, change, current))
    return apply, conflicts


def _stored(row: InspectionAnswer) -> Stored:
    derived = row.points is None or row.reading is not None  # see _write
    return Stored(points=None if derived else Decimal(row.points), yes=row.yes,
                  na=row.na, note=row.note or "", version=row.version or 0,
                  reading=None if row.reading is None else Decimal(row.reading))


def _current_rows(inspection: Inspection) -> dict[int, InspectionAnswer]:
    """The answers as stored now (read after the version was claimed, so none is stale)."""
    rows = db.session.scalars(
        sa.select(InspectionAnswer).where(InspectionAnswer.inspection_id == inspection.id)
        .execution_options(populate_existing=True))
    return {row.item_id: row for row in rows}


def _write(inspection: Inspection, rows: dict[int, InspectionAnswer], item_id: int,
           answer: Answer, note: str | None, version: int) -> None:
    row = rows.get(item_id)
    if row is None:
        row = rows[item_id] = InspectionAnswer(item_id=item_id, note="")
        inspection.answers.append(row)
    row.points, row.yes, row.na = answer.points, answer.yes, answer.na
    row.reading = answer.reading
    if answer.reading is not None:
        # what the reading earned is stored beside it, so that reports, exports and
        # suggestions read points as for every other item (a version never changes, so the
        # stored points cannot go stale)
        item = next(i for i in inspection.template.items if i.id == item_id)
        row.points = earned_for_reading(item_rule(item), Decimal(item.max_points),
                                        answer.reading)
    if note is not None:
        row.note = note.strip()
    row.version = version


def _version_number(value: Any, field: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = whole_number(value)  # not 2.5, "١" or an infinite 1e999
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_VERSION:
        message = (_("The version of the form is missing.") if field == "version"
                   else _("Say which version of this answer the change is based on."))
        raise ValidationError(message, {field: [message]})
    return number


def save_answers(inspection: Inspection, *, version: int | str, answers: Iterable[dict],
                 actor: User | None) -> Inspection:
    """Store (part of) the inspector's answers, if ``version`` is still the current one.

    Each answer is ``{"item_id", "points"?, "yes"?, "reading"?, "na"?, "note"?}``; it replaces the stored
    value of its item (a missing ``note`` keeps the stored note). Nothing is stored when any
    answer is invalid; the error names ``answers[i].<field>`` and the item.
    """
    require_inspector(inspection, actor)
    refuse_unless_editable(inspection)
    version = _version_number(version, "version")
    if version != inspection.version:
        raise stale_version(inspection.version)
    parsed = check_answers(inspection, answers)
    new_version = claim_version(inspection, expected=version)
    rows = _current_rows(inspection)
    for item, answer, raw in parsed:
        _write(inspection, rows, item.id, answer, raw.get("note"), new_version)
    db.session.flush()
    return inspection


def save_changes(inspection: Inspection, *, answers: Iterable[dict], actor: User | None
                 ) -> list[ItemConflict]:
    """Apply a device's per-item changes by the merge rule; return the conflicts.

    Each change is an answer as for ``save_answers`` plus ``base_version``. Invalid input
    stores nothing and names ``answers[i].<field>``. Every accepted call takes a new version of
    the form, also when only conflicts came back, so that the call is one atomic step.
    """
    require_inspector(inspection, actor)
    refuse_unless_editable(inspection)
    answers = list(answers)
    fields: dict[str, list[str]] = {}
    bases: dict[int, int] = {}
    for index, raw in enumerate(answers):
        field = f"answers[{index}].base_version"
        try:
            bases[index] = _version_number(raw.get("base_version")
                                           if isinstance(raw, dict) else None, field)
        except ValidationError as error:
            fields.update(error.fields)
    try:
        parsed = check_answers(inspection, answers)
    except ValidationError as error:
        raise ValidationError(error.message, error.fields | fields) from None
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields)
    index_of = {id(raw): index for index, raw in enumerate(answers)}
    changes = [Change(item_id=item.id, points=answer.points, yes=answer.yes, na=answer.na,
                      note=None if raw.get("note") is None else raw["note"].strip(),
                      base_version=bases[index_of[id(raw)]], reading=answer.reading)
               for item, answer, raw in parsed]
    new_version = claim_version(inspection)
    rows = _current_rows(inspection)
    apply, conflicts = merge_rule({item_id: _stored(row) for item_id, row in rows.items()},
                                  changes)
    for change in apply:
        _write(inspection, rows, change.item_id,
               Answer(item_id=change.item_id, points=change.points, yes=change.yes,
                      na=change.na, reading=change.reading), change.note, new_version)
    db.session.flush()
    return conflicts
