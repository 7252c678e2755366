"""An inspector's answers checked against the inspection's template version; what is missing.

Nothing here stores anything: ``check_answers`` turns posted answers into scoring values or
refuses them all, naming ``answers[i].<field>`` and the item; ``check_complete`` refuses a
form with an unanswered item, a missing required photo or a missing required signature.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import ValidationError
from app.validation import text_problem
from evaluations.assessment.models import TemplateItem
from evaluations.assessment.services import to_scoring_specs
from evaluations.inspections.guards import item_label
from evaluations.inspections.models import Inspection
from evaluations.inspections.signatures import ROLE_LABELS, missing_signatures
from evaluations.item_kinds import AnswerError
from evaluations.scoring import Answer, validate_answers

#: translated messages of ``item_kinds.AnswerError`` codes
_ANSWER_MESSAGES = {
    "na_not_allowed": _l("This item may not be marked N/A."),
    "na_with_value": _l("An item marked N/A must not also have a value."),
    "yes_no_on_points": _l("This item takes points, not yes/no."),
    "points_not_a_number": _l("Points must be a number."),
    "points_negative": _l("Points must not be negative."),
    "points_above_max": _l("Points must not exceed the item's maximum of %(max_points)s."),
    "points_not_half_step": _l("Points must be a multiple of 0.5."),
    "points_on_yes_no": _l("This item takes yes or no, not points."),
    "yes_not_a_boolean": _l("The answer must be yes or no."),
    "reading_not_taken": _l("This item takes no measured reading."),
    "value_on_reading": _l("This item takes a measured reading, not points or yes/no."),
    "reading_not_a_number": _l("The reading must be a number."),
    "reading_too_precise": _l("The reading takes one decimal at most."),
    "reading_out_of_range": _l("The reading must lie between %(low)s and %(high)s%(unit)s."),
    "answer_missing": _l("This item has not been answered."),
    "unknown_item": _l("This item is not part of the assessment template of this inspection."),
}
#: a note says what was seen in a few sentences; a pasted document made the scorecard that
#: prints it take half a minute
MAX_NOTE = 2000
#: beyond this many places either side of the point a number in a message is shown as typed
PLAIN_DIGITS_MAX = 30
#: which field of an answer an error code is about
_ERROR_FIELD = {
    "na_not_allowed": "na", "na_with_value": "na", "yes_no_on_points": "yes",
    "points_on_yes_no": "points", "yes_not_a_boolean": "yes", "unknown_item": "item_id",
    "reading_not_taken": "reading", "reading_not_a_number": "reading",
    "reading_too_precise": "reading", "reading_out_of_range": "reading",
}


def answer_error_message(error: AnswerError) -> str:
    message = _ANSWER_MESSAGES.get(error.code)
    if message is None:
        return error.message
    params = {k: _plain_number(v) for k, v in error.params.items()}
    return str(message) % params if "%(" in str(message) else str(message)


def _plain_number(value: Any) -> Any:
    """A number as a message shows it: 2.5, not 2.50 or 2.5E+0; one far from any score
    (1E+9999999) as typed, not as ten million digits."""
    if not isinstance(value, Decimal):
        return value
    if not value.is_finite() or abs(value.adjusted()) > PLAIN_DIGITS_MAX:
        return str(value)
    # a context as long as the number: the default one would round 0.5000…0001 to 0.5
    return f"{value.normalize(Context(prec=len(value.as_tuple().digits))):f}"


def _parse_points(value: Any) -> Decimal | None | str:
    """Decimal, None, or the string "invalid"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "invalid"
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "invalid"
    return points if points.is_finite() else "invalid"


def _note_problem(note: Any) -> str | None:
    """Why a note cannot be stored, named on its answer (the database's own guard would name
    no item, and the form's script could not say which one to fix)."""
    if note is None:
        return None
    if not isinstance(note, str):
        return _("The note must be text.")
    if len(note.strip()) > MAX_NOTE:
        return _("At most %(n)d characters.", n=MAX_NOTE)
    return text_problem(note, multiline=True)


def check_answers(inspection: Inspection, answers: Iterable[dict]
                  ) -> list[tuple[TemplateItem, Answer, dict]]:
    """Each posted answer as (item, scoring answer, the raw dict), or a ``ValidationError``
    naming every refused answer (``answers[i].<field>``) when any is invalid."""
    items = {item.id: item for item in inspection.template.items}
    specs, _bands = to_scoring_specs(inspection.template)
    fields: dict[str, list[str]] = {}
    messages: list[str] = []
    parsed: list[tuple[TemplateItem, Answer, dict]] = []
    seen: set[int] = set()

    def refuse(index: int, field: str, item: TemplateItem | None, item_id: Any, text: str):
        fields.setdefault(f"answers[{index}].{field}", []).append(text)
        messages.append(f"{item_label(item, item_id)}: {text}")

    for index, raw in enumerate(answers):
        if not isinstance(raw, dict):
            refuse(index, "item_id", None, "?", _("Each answer must be an object."))
            continue
        item_id = raw.get("item_id")
        item = items.get(item_id) if isinstance(item_id, int) and not isinstance(
            item_id, bool) else None
        if item is None:
            refuse(index, "item_id", None, item_id, str(_ANSWER_MESSAGES["unknown_item"]))
            continue
        if item_id in seen:
            refuse(index, "item_id", item, item_id, _("This item is answered twice."))
            continue
        seen.add(item_id)
        points = _parse_points(raw.get("points"))
        reading = _parse_points(raw.get("reading"))
        yes = raw.get("yes")
        na = raw.get("na", False)
        note = raw.get("note")
        bad = False
        if points == "invalid":
            refuse(index, "points", item, item_id, str(_ANSWER_MESSAGES["points_not_a_number"]))
            bad = True
        if reading == "invalid":
            refuse(index, "reading", item, item_id,
                   str(_ANSWER_MESSAGES["reading_not_a_number"]))
            bad = True
        if yes is not None and not isinstance(yes, bool):
            refuse(index, "yes", item, item_id, str(_ANSWER_MESSAGES["yes_not_a_boolean"]))
            bad = True
        if na is None:
            na = False
        if not isinstance(na, bool):
            refuse(index, "na", item, item_id, _("N/A must be true or false."))
            bad = True
        note_problem = _note_problem(note)
        if note_problem:
            refuse(index, "note", item, item_id, note_problem)
            bad = True
        if bad:
            continue
        answer = Answer(item_id=item_id, points=points, yes=yes, na=na, reading=reading)
        problems = validate_answers(specs, {item_id: answer}).get(item_id, [])
        for problem in problems:
            refuse(index, _ERROR_FIELD.get(problem.code, "points"), item, item_id,
                   answer_error_message(problem))
        if not problems:
            parsed.append((item, answer, raw))

    if fields:
        raise ValidationError(" ".join(messages), fields)
    return parsed


def stored_answers(inspection: Inspection) -> dict[int, Answer]:
    """The stored answers as scoring values, by item id."""
    # a reading's points are stored beside it (sync._write) but follow from the reading
    return {row.item_id: Answer(item_id=row.item_id,
                                points=None if row.points is None or row.reading is not None
                                else Decimal(row.points),
                                yes=row.yes, na=row.na,
                                reading=None if row.reading is None else Decimal(row.reading))
            for row in inspection.answers}


def missing_items(inspection: Inspection) -> list[TemplateItem]:
    """Items without an answer (N/A counts as answered), in template order."""
    answers = stored_answers(inspection)
    missing = []
    for item in inspection.template.items:
        answer = answers.get(item.id)
        if answer is None or not (answer.na or answer.points is not None
                                  or answer.yes is not None or answer.reading is not None):
            missing.append(item)
    return missing


def missing_evidence(inspection: Inspection) -> list[TemplateItem]:
    """``evidence_required`` items, not N/A, without a photo, in template order."""
    answers = stored_answers(inspection)
    with_photo = {photo.item_id for photo in inspection.photos}
    return [item for item in inspection.template.items
            if item.evidence_required and item.id not in with_photo
            and not (item.id in answers and answers[item.id].na)]


def check_complete(inspection: Inspection) -> None:
    """Every item answered, every required photo and signature there, else a
    ``ValidationError`` keyed ``items.<id>`` (and ``signatures.<role>``) that lists them."""
    fields: dict[str, list[str]] = {}
    missing = missing_items(inspection)
    evidence = missing_evidence(inspection)
    unsigned = missing_signatures(inspection)
    for role in unsigned:
        fields[f"signatures.{role.value}"] = [_("A signature is required before submitting.")]
    for item in missing:
        fields.setdefault(f"items.{item.id}", []).append(
            str(_ANSWER_MESSAGES["answer_missing"]))
    for item in evidence:
        fields.setdefault(f"items.{item.id}", []).append(_("A photo is required as evidence."))
    if fields:
        parts = []
        if missing:
            parts.append(_("Answer every item before submitting; unanswered: %(items)s.",
                           items="; ".join(item_label(i, i.id) for i in missing)))
        if evidence:
            parts.append(_("Attach a photo to: %(items)s.",
                           items="; ".join(item_label(i, i.id) for i in evidence)))
        if unsigned:
            parts.append(_("Signatures missing: %(roles)s.",
                           roles="; ".join(str(ROLE_LABELS[role]) for role in unsigned)))
        raise ValidationError(" ".join(parts), fields)
