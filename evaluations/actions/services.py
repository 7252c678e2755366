"""Corrective actions (整改): findings a provider must put right by a deadline.

- An action comes from an item of a submitted or finalized inspection that scored below its
  maximum (:func:`suggest_actions` proposes, :func:`create_actions_from_inspection` stores what
  the inspector confirmed), or is raised by hand on a facility or a contract
  (:func:`create_action`).
- Its owner is the provider answerable for the target: the inspection's provider, else the
  facility's current operator, else the contract's provider. No provider → refused.
- Life: ``open`` → the provider answers (text and optional PDF/image evidence) → ``answered``
  → the officer closes it (``closed``) or reopens it with a reason (back to ``open``,
  ``reopen_count`` + 1). A closed action may be reopened too. An officer may close an open
  action directly, e.g. after a re-inspection found it put right.
- Overdue: the deadline has passed (deadline < today) and the action is not closed.
- Visibility: admin all; officer their region subtree; inspector the actions of their own
  inspections and those they raised; provider their own only. Anything else is a 404.

Services flush, never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.scoping import region_subtree
from app.unit_of_work import remove_on_rollback
from app.users.models import Role, User
from contracts.documents.services import check_file, clean_filename
from contracts.facilities import current_operator
from contracts.models import Contract, Facility
from evaluations.actions.models import ActionAttachment, ActionStatus, CorrectiveAction, Severity
from evaluations.assessment.item_kinds import get_kind
from evaluations.assessment.models import TemplateItem
from evaluations.inspections.models import Inspection, InspectionStatus

__all__ = [
    "DEADLINE_DAYS", "MAX_ATTACHMENT_BYTES", "Suggestion", "action_stmt", "answer_action",
    "attachment_path", "close_action", "create_action", "create_actions_from_inspection",
    "default_severity", "get_visible_action", "open_actions_of_facility", "overdue_clause",
    "owner_of", "reopen_action", "schedule_reinspection", "suggest_actions", "visible_actions",
]

#: default days to put a finding right, by severity
DEADLINE_DAYS = {Severity.RED: 7, Severity.ORANGE: 15, Severity.YELLOW: 30, Severity.BLUE: 60}
MAX_DESCRIPTION = 2000
MAX_RESPONSE = 5000
MAX_REASON = 1000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: evidence files: what the content may be, by extension (content checked by contracts.documents)
ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg"})
REVIEWERS = (Role.OFFICER, Role.ADMIN)
RAISERS = (Role.OFFICER, Role.ADMIN, Role.INSPECTOR)
ANSWERABLE = (ActionStatus.OPEN, ActionStatus.ANSWERED)


# ---- suggestions --------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """An item of an inspection that scored below its maximum, as a proposed action."""

    item: TemplateItem
    earned: Decimal
    max_points: Decimal
    text: str
    severity: Severity
    deadline: date


def default_severity(item: TemplateItem, earned: Decimal) -> Severity:
    """Red for a failed critical item, orange for at most half the points, yellow otherwise."""
    if item.critical and earned == 0:
        return Severity.RED
    if earned * 2 <= Decimal(item.max_points):
        return Severity.ORANGE
    return Severity.YELLOW


def default_deadline(severity: Severity, today: date | None = None) -> date:
    return (today or clock.today()) + timedelta(days=DEADLINE_DAYS[Severity(severity)])


def _locale() -> str:
    from flask import has_request_context

    if not has_request_context():
        return "zh_CN"  # the seed, the CLI, jobs: the bureau's language
    from app.template_helpers import ui_language

    return ui_language()


def _require_scored(inspection: Inspection) -> None:
    if inspection.status not in (InspectionStatus.SUBMITTED, InspectionStatus.FINALIZED):
        raise Conflict(_("Corrective actions come from a submitted or finalized inspection."))


def suggest_actions(inspection: Inspection, *, today: date | None = None) -> list[Suggestion]:
    """Every answered, applicable item below its max that has no action of this inspection
    yet, in template order, with a default text, severity and deadline."""
    _require_scored(inspection)
    answers = {answer.item_id: answer for answer in inspection.answers}
    taken = set(db.session.scalars(sa.select(CorrectiveAction.item_id).where(
        CorrectiveAction.inspection_id == inspection.id,
        CorrectiveAction.item_id.is_not(None))))
    locale = _locale()
    suggestions = []
    for item in inspection.template.items:
        answer = answers.get(item.id)
        if answer is None or answer.na or item.id in taken:
            continue
        earned = Decimal(get_kind(item.kind).earned(item, answer))
        if earned >= Decimal(item.max_points):
            continue
        severity = default_severity(item, earned)
        text = item.text(locale)
        if answer.note:
            text = f"{text} — {answer.note}"
        suggestions.append(Suggestion(item=item, earned=earned,
                                      max_points=Decimal(item.max_points), text=text,
                                      severity=severity,
                                      deadline=default_deadline(severity, today)))
    return suggestions


# ---- creating -----------------------------------------------------------------------------

def owner_of(*, inspection: Inspection | None = None, facility: Facility | None = None,
             contract: Contract | None = None) -> int | None:
    """The provider id answerable for a finding, or None."""
    if inspection is not None and inspection.provider_id is not None:
        return inspection.provider_id
    if contract is not None:
        return contract.provider_id
    if facility is not None:
        operator = current_operator(facility)
        if operator is not None:
            return operator.id
    return None


def _check_actor_region(actor: User | None, region_id: int, field: str) -> None:
    if actor is None or actor.role not in (Role.OFFICER, Role.INSPECTOR):
        return
    inside = actor.region is not None and db.session.scalar(
        sa.select(sa.literal(region_id).in_(region_subtree(actor.region))))
    if not inside:
        message = _("This is outside your region.")
        raise ValidationError(message, {field: [message]})


def _clean_fields(description: Any, severity: Any, deadline: Any, *,
                  today: date) -> tuple[str, Severity, date]:
    errors: dict[str, list[str]] = {}
    text = (description or "").strip() if isinstance(description, str | None) else ""
    if not text:
        errors["description"] = [_("Describe what must be put right.")]
    elif len(text) > MAX_DESCRIPTION:
        errors["description"] = [_("At most %(n)d characters.", n=MAX_DESCRIPTION)]
    try:
        grade = Severity(severity)
    except ValueError:
        grade = None
        errors["severity"] = [_("Choose red, orange, yellow or blue.")]
    day = deadline
    if isinstance(deadline, str):
        try:
            day = date.fromisoformat(deadline)
        except ValueError:
            day = None
    if not isinstance(day, date):
        errors["deadline"] = [_("Give the deadline as a date (YYYY-MM-DD).")]
    elif day < today:
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if errors:
        raise ValidationError(_("The corrective action was not saved."), errors)
    return text, grade, day  # type: ignore[return-value]


def _no_owner() -> ValidationError:
    message = _("No provider operates or holds a contract for this target, so nobody can be "
                "made to put it right. Record the finding in the inspection instead.")
    return ValidationError(message, {"provider_id": [message]})


def create_action(*, description: str, severity: Severity | str, deadline: date | str,
                  facility: Facility | None = None, contract: Contract | None = None,
                  inspection: Inspection | None = None, item: TemplateItem | None = None,
                  actor: User | None = None) -> CorrectiveAction:
    """Store one corrective action on a facility or a contract (or from an inspection)."""
    if actor is not None and actor.role not in RAISERS:
        raise Forbidden(_("Only officers and inspectors raise corrective actions."))
    if inspection is not None:
        _require_scored(inspection)
        facility = facility or inspection.facility
        contract = contract or inspection.contract
    if facility is None and contract is None:
        message = _("Choose the facility or the contract the action is about.")
        raise ValidationError(message, {"facility_id": [message]})
    text, grade, day = _clean_fields(description, severity, deadline, today=clock.today())
    region_id = (inspection.region_id if inspection is not None
                 else facility.region_id if facility is not None else contract.region_id)
    if inspection is None:
        _check_actor_region(actor, region_id, "facility_id" if facility else "contract_id")
    provider_id = owner_of(inspection=inspection, facility=facility, contract=contract)
    if provider_id is None:
        raise _no_owner()
    action = CorrectiveAction(
        inspection_id=inspection.id if inspection is not None else None,
        item_id=item.id if item is not None else None,
        facility_id=facility.id if facility is not None else None,
        contract_id=contract.id if contract is not None else None,
        provider_id=provider_id, region_id=region_id, description=text, severity=grade,
        deadline=day, status=ActionStatus.OPEN, reopen_count=0,
        created_by_id=actor.id if actor is not None else None)
    db.session.add(action)
    db.session.flush()
    return action


def create_actions_from_inspection(inspection: Inspection, choices: list[dict], *,
                                   actor: User | None = None) -> list[CorrectiveAction]:
    """Store the suggestions the inspector confirmed.

    ``choices``: ``[{"item_id", "description"?, "severity"?, "deadline"?}]``; a missing value
    takes the suggestion's default. An item that is not (or no longer) a suggestion is refused
    and nothing is stored.
    """
    if actor is not None and actor.role is Role.INSPECTOR and inspection.inspector_id != actor.id:
        raise Forbidden(_("Only the inspector of this inspection raises its actions."))
    suggestions = {s.item.id: s for s in suggest_actions(inspection)}
    if not choices:
        message = _("Choose at least one finding.")
        raise ValidationError(message, {"items": [message]})
    if owner_of(inspection=inspection, facility=inspection.facility,
                contract=inspection.contract) is None:
        raise _no_owner()
    errors: dict[str, list[str]] = {}
    planned: list[tuple[Suggestion, dict]] = []
    seen: set[int] = set()
    for choice in choices:
        try:
            item_id = int(choice.get("item_id") or 0)
        except (TypeError, ValueError):
            item_id = 0
        suggestion = suggestions.get(item_id)
        if suggestion is None or item_id in seen:
            errors[f"items.{item_id}"] = [
                _("This item scored its maximum, was not answered or already has an action.")]
            continue
        seen.add(item_id)
        values = {"description": choice.get("description") or suggestion.text,
                  "severity": choice.get("severity") or suggestion.severity,
                  "deadline": choice.get("deadline") or suggestion.deadline}
        try:
            _clean_fields(**values, today=clock.today())
        except ValidationError as error:
            for field, messages in error.fields.items():
                errors[f"items.{item_id}.{field}"] = messages
        planned.append((suggestion, values))
    if errors:
        raise ValidationError(_("No corrective action was saved."), errors)
    return [create_action(**values, inspection=inspection, item=suggestion.item, actor=actor)
            for suggestion, values in planned]


# ---- the provider answers, the officer closes or reopens --------------------------------

def _folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "actions"


def attachment_path(attachment: ActionAttachment) -> Path:
    return _folder() / attachment.stored_name


def _store_attachment(action: CorrectiveAction, filename: str | None, data: bytes,
                      actor: User | None) -> ActionAttachment:
    name = clean_filename(filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        message = _("The file is larger than %(limit)d MB.", limit=MAX_ATTACHMENT_BYTES // 2**20)
        raise ValidationError(message, {"file": [message]})
    if name and Path(name).suffix.lower() not in ATTACHMENT_EXTENSIONS:
        message = _("Attach a PDF or a JPEG or PNG image.")
        raise ValidationError(message, {"file": [message]})
    content_type = check_file(name, data)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex
    path = folder / stored_name
    with open(path, "xb") as handle:
        handle.write(data)
    remove_on_rollback(path)  # a file of a rolled-back upload must not stay behind
    attachment = ActionAttachment(stored_name=stored_name, original_name=name,
                                  content_type=content_type, size=len(data),
                                  uploaded_by_id=actor.id if actor is not None else None)
    action.attachments.append(attachment)
    return attachment


def answer_action(action: CorrectiveAction, *, response: str, actor: User,
                  files: list[tuple[str | None, bytes]] | None = None) -> CorrectiveAction:
    """The provider says what was done, with optional evidence files (name, bytes).

    An open action becomes ``answered``; an answered one may be answered again (the new text
    replaces the old, files are added). A closed action → Conflict."""
    if actor.role is not Role.PROVIDER or actor.provider_id != action.provider_id:
        raise NotFound(_("Not found."))
    if action.status not in ANSWERABLE:
        raise Conflict(_("This corrective action is closed; it cannot be answered."))
    text = (response or "").strip()
    if not text:
        message = _("Say what was done to put it right.")
        raise ValidationError(message, {"response": [message]})
    if len(text) > MAX_RESPONSE:
        message = _("At most %(n)d characters.", n=MAX_RESPONSE)
        raise ValidationError(message, {"response": [message]})
    for filename, data in files or []:
        if filename or data:
            _store_attachment(action, filename, data, actor)
    action.response = text
    action.status = ActionStatus.ANSWERED
    action.responded_at = clock.now()
    action.responded_by_id = actor.id
    db.session.flush()
    return action


def _require_reviewer(actor: User, action: CorrectiveAction) -> None:
    if actor.role not in REVIEWERS:
        raise Forbidden(_("Only officers close or reopen corrective actions."))


def close_action(action: CorrectiveAction, *, actor: User, note: str = "") -> CorrectiveAction:
    """The officer accepts the answer (or a re-inspection's finding) and closes the action."""
    _require_reviewer(actor, action)
    if action.status is ActionStatus.CLOSED:
        raise Conflict(_("This corrective action is already closed."))
    action.status = ActionStatus.CLOSED
    action.closed_at = clock.now()
    action.closed_by_id = actor.id
    action.close_note = (note or "").strip()[:MAX_REASON]
    db.session.flush()
    return action


def reopen_action(action: CorrectiveAction, *, reason: str, actor: User) -> CorrectiveAction:
    """Send an answered or closed action back to the provider; a reason is required."""
    _require_reviewer(actor, action)
    if action.status is ActionStatus.OPEN:
        raise Conflict(_("This corrective action is already open."))
    text = (reason or "").strip()
    if not text:
        message = _("Give the reason for reopening.")
        raise ValidationError(message, {"reason": [message]})
    if len(text) > MAX_REASON:
        message = _("At most %(n)d characters.", n=MAX_REASON)
        raise ValidationError(message, {"reason": [message]})
    action.status = ActionStatus.OPEN
    action.reopen_count = (action.reopen_count or 0) + 1
    action.reopen_reason = text
    action.closed_at = None
    action.closed_by_id = None
    db.session.flush()
    return action


# ---- lists and lookups --------------------------------------------------------------------

def overdue_clause(today: date | None = None) -> sa.ColumnElement[bool]:
    return sa.and_(CorrectiveAction.deadline < (today or clock.today()),
                   CorrectiveAction.status != ActionStatus.CLOSED)


def visible_actions(user: User) -> sa.Select:
    """Actions ``user`` may see, newest deadline last."""
    stmt = sa.select(CorrectiveAction)
    if user.role is Role.ADMIN:
        return stmt
    if user.role is Role.OFFICER and user.region is not None:
        return stmt.where(CorrectiveAction.region_id.in_(region_subtree(user.region)))
    if user.role is Role.INSPECTOR:
        return stmt.where(sa.or_(
            CorrectiveAction.inspection_id.in_(
                sa.select(Inspection.id).where(Inspection.inspector_id == user.id)),
            CorrectiveAction.created_by_id == user.id))
    if user.role is Role.PROVIDER and user.provider_id is not None:
        return stmt.where(CorrectiveAction.provider_id == user.provider_id)
    return stmt.where(sa.false())


def action_stmt(user: User, *, status: ActionStatus | str | None = None,
                severity: Severity | str | None = None, overdue: bool | None = None,
                facility_id: int | None = None, provider_id: int | None = None,
                inspection_id: int | None = None, today: date | None = None) -> sa.Select:
    """The visible actions filtered as asked, by deadline then id."""
    stmt = visible_actions(user)
    if status:
        stmt = stmt.where(CorrectiveAction.status == ActionStatus(status))
    if severity:
        stmt = stmt.where(CorrectiveAction.severity == Severity(severity))
    if overdue is True:
        stmt = stmt.where(overdue_clause(today))
    elif overdue is False:
        stmt = stmt.where(sa.not_(overdue_clause(today)))
    if facility_id:
        stmt = stmt.where(CorrectiveAction.facility_id == facility_id)
    if provider_id:
        stmt = stmt.where(CorrectiveAction.provider_id == provider_id)
    if inspection_id:
        stmt = stmt.where(CorrectiveAction.inspection_id == inspection_id)
    return stmt.order_by(CorrectiveAction.deadline, CorrectiveAction.id)


def get_visible_action(user: User, action_id: Any) -> CorrectiveAction:
    try:
        ident = int(action_id)
    except (TypeError, ValueError):
        ident = 0
    action = db.session.scalar(visible_actions(user).where(CorrectiveAction.id == ident))
    if action is None:
        raise NotFound(_("Not found."))
    return action


def open_actions_of_facility(facility: Facility, user: User | None = None
                             ) -> list[CorrectiveAction]:
    """The facility's actions not yet closed (those ``user`` may see, if given)."""
    stmt = visible_actions(user) if user is not None else sa.select(CorrectiveAction)
    return list(db.session.scalars(stmt.where(
        CorrectiveAction.facility_id == facility.id,
        CorrectiveAction.status != ActionStatus.CLOSED).order_by(CorrectiveAction.deadline,
                                                                  CorrectiveAction.id)))


# ---- re-inspection ------------------------------------------------------------------------

def schedule_reinspection(facility: Facility, *, inspector: User, scheduled_for: date,
                          actor: User | None = None) -> Inspection:
    """Schedule an inspection of ``facility`` to check its open actions.

    The template is the one of the most recent inspection behind an open action (its current
    published version when a newer one exists); the open actions point at the new inspection
    (``reinspection_id``) so the officer can close them once it is done.
    """
    from evaluations.assessment.services import current_template
    from evaluations.inspections.services import schedule_inspection

    actions = [a for a in open_actions_of_facility(facility) if a.inspection is not None]
    if not actions:
        message = _("This home has no open corrective action from an inspection.")
        raise ValidationError(message, {"facility_id": [message]})
    source = max(actions, key=lambda a: (a.inspection.scheduled_for, a.inspection.id)).inspection
    template = current_template(source.template.code) or source.template
    inspection = schedule_inspection(template=template, inspector=inspector,
                                     scheduled_for=scheduled_for, facility=facility,
                                     actor=actor)
    for action in open_actions_of_facility(facility):
        action.reinspection_id = inspection.id
    db.session.flush()
    return inspection
