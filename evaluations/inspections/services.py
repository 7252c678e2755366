"""Inspections: schedule, fill in (drafts with an optimistic lock), submit, finalize, correct.

Rules (DESIGN.md §4 and issue 5):

- The template version an inspection is scheduled with never changes; answers are checked
  against exactly that version.
- Every save names the ``version`` it read. A stale version is a ``Conflict``: nothing is
  overwritten, the inspector reloads and sees the other save.
- Submit refuses an incomplete form and a missing required photo, then stores the result of
  ``scoring.score`` (total rounded half up to one decimal).
- A finalized inspection is immutable: every service refuses it, and a ``before_flush``
  guard (``_guard_finalized``) refuses any change to it, its answers or its photos that
  slips past them. A correction is a new inspection that supersedes the old one.
- Services only flush; the request, the CLI or the seed commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.audit.listener import record_event
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.regions.models import Region
from app.scoping import region_subtree
from app.users.models import Role, User
from contracts.models import Contract, Facility
from contracts.services import operation_contract
from evaluations.assessment.item_kinds import AnswerError
from evaluations.assessment.models import (
    AssessmentTemplate,
    TemplateItem,
    TemplateStatus,
    TemplateTarget,
)
from evaluations.assessment.services import to_scoring_specs
from evaluations.inspections import immutability  # noqa: F401  (installs the finalized-row guard)
from evaluations.inspections.models import Grade, Inspection, InspectionAnswer, InspectionStatus
from evaluations.scoring import Answer, round_score, score, validate_answers

__all__ = [
    "answer_error_message", "correct_inspection", "finalize_inspection", "get_visible_inspection",
    "reopen_inspection", "save_answers", "schedule_inspection", "submit_inspection",
    "visible_inspections",
]

#: the alphabet of verification codes: base32 without look-alikes is overkill; RFC 4648 is fine
_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CODE_LENGTH = 10

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
    "answer_missing": _l("This item has not been answered."),
    "unknown_item": _l("This item is not part of the assessment template of this inspection."),
}
#: which field of an answer an error code is about
_ERROR_FIELD = {
    "na_not_allowed": "na", "na_with_value": "na", "yes_no_on_points": "yes",
    "points_on_yes_no": "points", "yes_not_a_boolean": "yes", "unknown_item": "item_id",
}


def answer_error_message(error: AnswerError) -> str:
    message = _ANSWER_MESSAGES.get(error.code)
    if message is None:
        return error.message
    params = {k: _plain_number(v) for k, v in error.params.items()}
    return str(message) % params if "%(" in str(message) else str(message)


def _plain_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


# ---- visibility ----------------------------------------------------------------------------

def visible_inspections(user: User) -> sa.Select:
    """Admins all; officers their region subtree; inspectors only the inspections assigned to
    them; providers only FINALIZED inspections answerable by their own organization."""
    stmt = sa.select(Inspection)
    if user.role is Role.ADMIN:
        return stmt
    if user.role is Role.OFFICER and user.region is not None:
        return stmt.where(Inspection.region_id.in_(region_subtree(user.region)))
    if user.role is Role.INSPECTOR:
        return stmt.where(Inspection.inspector_id == user.id)
    if user.role is Role.PROVIDER and user.provider_id is not None:
        return stmt.where(Inspection.provider_id == user.provider_id,
                          Inspection.status == InspectionStatus.FINALIZED)
    return stmt.where(sa.false())


def get_visible_inspection(user: User, inspection_id: Any) -> Inspection:
    """The inspection, or ``NotFound`` when it is missing or hidden from ``user``."""
    try:
        inspection_id = int(inspection_id)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    inspection = db.session.scalars(
        visible_inspections(user).where(Inspection.id == inspection_id)).first()
    if inspection is None:
        raise NotFound(_("Not found."))
    return inspection


# ---- helpers -------------------------------------------------------------------------------

def _within(region: Region | None, ancestor: Region | None) -> bool:
    return (region is not None and ancestor is not None
            and region.path.startswith(ancestor.path))


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(CODE_LENGTH))
        taken = db.session.scalar(sa.select(Inspection.id)
                                  .where(Inspection.verification_code == code))
        if taken is None:
            return code


def _as_date(value: date | str, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        message = _("Give the date as YYYY-MM-DD.")
        raise ValidationError(message, {field: [message]}) from None


def _refuse_unless_editable(inspection: Inspection) -> None:
    if inspection.status is InspectionStatus.FINALIZED:
        raise Conflict(_("This inspection is finalized and can no longer be changed."))
    if not inspection.is_editable:
        raise Conflict(_("This inspection was submitted; it can no longer be edited unless "
                         "an officer sends it back."))


def _require_inspector(inspection: Inspection, actor: User | None) -> None:
    if actor is None or actor.id != inspection.inspector_id:
        raise NotFound(_("Not found."))


def _require_officer_of(inspection: Inspection, actor: User | None) -> None:
    if actor is None:
        return  # the system (CLI, seed)
    if actor.role is Role.ADMIN:
        return
    if actor.role is Role.OFFICER and _within(inspection.region, actor.region):
        return
    raise NotFound(_("Not found."))


def eligible_inspectors(region: Region) -> sa.Select:
    """Enabled inspectors whose region contains ``region`` (the target's region)."""
    ancestors = [int(part) for part in region.path.strip("/").split("/") if part]
    return (sa.select(User).where(User.role == Role.INSPECTOR, User.is_enabled.is_(True),
                                  User.region_id.in_(ancestors))
            .order_by(User.name, User.email))


# ---- scheduling ----------------------------------------------------------------------------

def schedule_inspection(*, template: AssessmentTemplate, inspector: User,
                        scheduled_for: date | str, facility: Facility | None = None,
                        contract: Contract | None = None, actor: User | None = None,
                        campaign: Any = None) -> Inspection:
    """Plan an inspection of ``facility`` or ``contract`` with ``template`` for ``inspector``.

    The region, the answerable provider and (for a home) its operation contract on the day
    are copied onto the inspection. An officer ``actor`` may schedule only inside their region.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    day = _as_date(scheduled_for, "scheduled_for")
    if template is None or template.status is not TemplateStatus.PUBLISHED:
        add("template_id", _("Choose a published assessment template."))
        raise ValidationError(_("The inspection cannot be scheduled."), errors)

    region: Region | None = None
    provider_id: int | None = None
    contract_id: int | None = None
    target_field = "facility_id" if template.target is TemplateTarget.FACILITY else "contract_id"
    if template.target is TemplateTarget.FACILITY:
        if facility is None:
            add("facility_id", _("This template inspects a facility: choose one."))
        else:
            region = facility.region
            operation = operation_contract(facility, day)
            if operation is not None:
                contract_id, provider_id = operation.id, operation.provider_id
    else:
        if contract is None:
            add("contract_id", _("This template assesses a contract: choose one."))
        else:
            region = contract.region
            contract_id, provider_id = contract.id, contract.provider_id

    if (region is not None and actor is not None and actor.role is not Role.ADMIN
            and not (actor.role is Role.OFFICER and _within(region, actor.region))):
        add(target_field, _("You may schedule inspections only inside your region."))

    if inspector is None:
        add("inspector_id", _("Choose an inspector."))
    elif inspector.role is not Role.INSPECTOR or not inspector.is_enabled:
        add("inspector_id", _("This user is not an active inspector."))
    elif region is not None and not _within(region, inspector.region):
        add("inspector_id", _("This inspector does not work in the region of the target."))

    if errors:
        raise ValidationError(_("The inspection cannot be scheduled."), errors)

    inspection = Inspection(
        template_id=template.id, facility_id=facility.id if facility is not None
        and template.target is TemplateTarget.FACILITY else None,
        contract_id=contract_id, region_id=region.id, provider_id=provider_id,
        inspector_id=inspector.id, scheduled_by_id=actor.id if actor is not None else None,
        scheduled_for=day, campaign_id=getattr(campaign, "id", campaign),
        status=InspectionStatus.SCHEDULED, version=1, verification_code=_new_code())
    db.session.add(inspection)
    db.session.flush()
    return inspection


# ---- answers -------------------------------------------------------------------------------

def _items_by_id(template: AssessmentTemplate) -> dict[int, TemplateItem]:
    return {item.id: item for item in template.items}


def _item_label(item: TemplateItem | None, item_id: Any) -> str:
    from app.template_helpers import ui_language

    if item is None:
        return _("item %(id)s", id=item_id)
    number = f"{item.section.position + 1}.{item.position + 1}"
    return f"{number} {item.text(ui_language())}"


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


def save_answers(inspection: Inspection, *, version: int | str, answers: Iterable[dict],
                 actor: User | None) -> Inspection:
    """Store (part of) the inspector's answers, if ``version`` is still the current one.

    Each answer is ``{"item_id", "points"?, "yes"?, "na"?, "note"?}``; it replaces the stored
    value of its item (a missing ``note`` keeps the stored note). Nothing is stored when any
    answer is invalid; the error names ``answers[i].<field>`` and the item.
    """
    _require_inspector(inspection, actor)
    _refuse_unless_editable(inspection)
    try:
        version = int(version)
    except (TypeError, ValueError):
        message = _("The version of the form is missing.")
        raise ValidationError(message, {"version": [message]}) from None
    if version != inspection.version:
        raise Conflict(_("This inspection was changed by someone else since you opened it "
                         "(version %(version)d); reload it.", version=inspection.version),
                       {"version": [str(inspection.version)]})

    items = _items_by_id(inspection.template)
    specs, _bands = to_scoring_specs(inspection.template)
    fields: dict[str, list[str]] = {}
    messages: list[str] = []
    parsed: list[tuple[int, TemplateItem, Answer, dict]] = []
    seen: set[int] = set()

    def refuse(index: int, field: str, item: TemplateItem | None, item_id: Any, text: str):
        fields.setdefault(f"answers[{index}].{field}", []).append(text)
        messages.append(f"{_item_label(item, item_id)}: {text}")

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
        yes = raw.get("yes")
        na = raw.get("na", False)
        note = raw.get("note")
        bad = False
        if points == "invalid":
            refuse(index, "points", item, item_id, str(_ANSWER_MESSAGES["points_not_a_number"]))
            bad = True
        if yes is not None and not isinstance(yes, bool):
            refuse(index, "yes", item, item_id, str(_ANSWER_MESSAGES["yes_not_a_boolean"]))
            bad = True
        if na is None:
            na = False
        if not isinstance(na, bool):
            refuse(index, "na", item, item_id, _("N/A must be true or false."))
            bad = True
        if note is not None and not isinstance(note, str):
            refuse(index, "note", item, item_id, _("The note must be text."))
            bad = True
        if bad:
            continue
        answer = Answer(item_id=item_id, points=points, yes=yes, na=na)
        problems = validate_answers(specs, {item_id: answer}).get(item_id, [])
        for problem in problems:
            refuse(index, _ERROR_FIELD.get(problem.code, "points"), item, item_id,
                   answer_error_message(problem))
        if not problems:
            parsed.append((index, item, answer, raw))

    if fields:
        raise ValidationError(" ".join(messages), fields)

    stored = {answer.item_id: answer for answer in inspection.answers}
    for _index, item, answer, raw in parsed:
        row = stored.get(item.id)
        if row is None:
            row = InspectionAnswer(item_id=item.id, note="")
            inspection.answers.append(row)
        row.points, row.yes, row.na = answer.points, answer.yes, answer.na
        if raw.get("note") is not None:
            row.note = raw["note"].strip()
    if inspection.status is InspectionStatus.SCHEDULED:
        inspection.status = InspectionStatus.IN_PROGRESS
        inspection.started_at = clock.now()
    inspection.version += 1
    db.session.flush()
    return inspection


def bump_version(inspection: Inspection) -> None:
    """A photo added or removed is a change of the form as well."""
    if inspection.status is InspectionStatus.SCHEDULED:
        inspection.status = InspectionStatus.IN_PROGRESS
        inspection.started_at = clock.now()
    inspection.version += 1


def _stored_answers(inspection: Inspection) -> dict[int, Answer]:
    return {row.item_id: Answer(item_id=row.item_id,
                                points=None if row.points is None else Decimal(row.points),
                                yes=row.yes, na=row.na)
            for row in inspection.answers}


def missing_items(inspection: Inspection) -> list[TemplateItem]:
    """Items without an answer (N/A counts as answered), in template order."""
    answers = _stored_answers(inspection)
    missing = []
    for item in inspection.template.items:
        answer = answers.get(item.id)
        if answer is None or not (answer.na or answer.points is not None
                                  or answer.yes is not None):
            missing.append(item)
    return missing


def missing_evidence(inspection: Inspection) -> list[TemplateItem]:
    """``evidence_required`` items, not N/A, without a photo, in template order."""
    answers = _stored_answers(inspection)
    with_photo = {photo.item_id for photo in inspection.photos}
    return [item for item in inspection.template.items
            if item.evidence_required and item.id not in with_photo
            and not (item.id in answers and answers[item.id].na)]


def submit_inspection(inspection: Inspection, *, actor: User | None) -> Inspection:
    """Check completeness and evidence, compute the result (DESIGN.md §4) and store it."""
    _require_inspector(inspection, actor)
    _refuse_unless_editable(inspection)
    fields: dict[str, list[str]] = {}
    missing = missing_items(inspection)
    evidence = missing_evidence(inspection)
    for item in missing:
        fields.setdefault(f"items.{item.id}", []).append(
            str(_ANSWER_MESSAGES["answer_missing"]))
    for item in evidence:
        fields.setdefault(f"items.{item.id}", []).append(_("A photo is required as evidence."))
    if fields:
        parts = []
        if missing:
            parts.append(_("Answer every item before submitting; unanswered: %(items)s.",
                           items="; ".join(_item_label(i, i.id) for i in missing)))
        if evidence:
            parts.append(_("Attach a photo to: %(items)s.",
                           items="; ".join(_item_label(i, i.id) for i in evidence)))
        raise ValidationError(" ".join(parts), fields)

    specs, bands = to_scoring_specs(inspection.template)
    result = score(specs, _stored_answers(inspection), bands)
    inspection.total = None if result.total is None else round_score(result.total)
    inspection.grade = Grade(result.grade) if result.grade in Grade._value2member_map_ else None
    inspection.section_scores = [
        {"section_id": section.section_id, "score": str(round_score(section.score))}
        for section in result.sections if section.score is not None]
    inspection.failed_critical = list(result.failed_critical)
    inspection.status = InspectionStatus.SUBMITTED
    inspection.submitted_at = clock.now()
    inspection.version += 1
    db.session.flush()
    return inspection


def reopen_inspection(inspection: Inspection, *, actor: User | None, reason: str
                      ) -> Inspection:
    """An officer sends a submitted inspection back to its inspector, saying why."""
    _require_officer_of(inspection, actor)
    if inspection.status is not InspectionStatus.SUBMITTED:
        raise Conflict(_("Only a submitted inspection can be sent back."))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the inspection is sent back.")
        raise ValidationError(message, {"reason": [message]})
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.return_reason = reason
    inspection.total = inspection.grade = None
    inspection.section_scores = inspection.failed_critical = None
    inspection.submitted_at = None
    inspection.version += 1
    db.session.flush()
    return inspection


def finalize_inspection(inspection: Inspection, *, actor: User | None) -> Inspection:
    """An officer (or admin) of the region signs the result off; it never changes again."""
    _require_officer_of(inspection, actor)
    if inspection.status is InspectionStatus.FINALIZED:
        raise Conflict(_("This inspection is already finalized."))
    if inspection.status is not InspectionStatus.SUBMITTED:
        raise Conflict(_("Only a submitted inspection can be finalized."))
    inspection.status = InspectionStatus.FINALIZED
    inspection.finalized_at = clock.now()
    inspection.finalized_by_id = actor.id if actor is not None else None
    inspection.version += 1
    db.session.flush()
    return inspection


def correct_inspection(inspection: Inspection, *, actor: User | None, reason: str
                       ) -> Inspection:
    """A correction of a finalized inspection: a NEW inspection (same template version,
    target and inspector) with the answers and photos copied, in progress. The old one stays
    finalized and is shown as superseded."""
    from evaluations.inspections.photos import copy_photo

    _require_officer_of(inspection, actor)
    if inspection.status is not InspectionStatus.FINALIZED:
        raise Conflict(_("Only a finalized inspection is corrected; change this one directly."))
    if inspection.superseded_by is not None:
        raise Conflict(_("This inspection was already corrected by inspection %(id)d.",
                         id=inspection.superseded_by.id))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the inspection is corrected.")
        raise ValidationError(message, {"reason": [message]})
    new = Inspection(
        template_id=inspection.template_id, facility_id=inspection.facility_id,
        contract_id=inspection.contract_id, region_id=inspection.region_id,
        provider_id=inspection.provider_id, inspector_id=inspection.inspector_id,
        scheduled_by_id=actor.id if actor is not None else None,
        scheduled_for=inspection.scheduled_for, campaign_id=inspection.campaign_id,
        status=InspectionStatus.IN_PROGRESS, started_at=clock.now(), version=1,
        supersedes_id=inspection.id, correction_reason=reason,
        summary=inspection.summary, verification_code=_new_code())
    for row in inspection.answers:
        new.answers.append(InspectionAnswer(item_id=row.item_id, points=row.points,
                                            yes=row.yes, na=row.na, note=row.note))
    db.session.add(new)
    db.session.flush()
    for photo in inspection.photos:
        copy_photo(photo, new)
    record_event(db.session, "correct", inspection, {"reason": reason, "correction_id": new.id})
    db.session.flush()
    return new
