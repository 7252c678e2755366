"""Corrective actions proposed from an inspection: the items below their maximum, with a
default text, severity and deadline, and storing those the inspector confirms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext as _

from app import clock
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.template_helpers import ui_language
from app.unit_of_work import claim_row
from app.users.models import Role, User
from evaluations.actions.models import CorrectiveAction, Severity
from evaluations.actions.services import (
    check_fields,
    create_action,
    no_owner_error,
    owner_of,
    require_scored,
)
from evaluations.assessment.models import TemplateItem
from evaluations.inspections.models import Inspection
from evaluations.item_kinds import get_kind

__all__ = [
    "DEADLINE_DAYS", "Suggestion", "create_actions_from_inspection", "default_deadline",
    "default_severity", "suggest_actions",
]

#: default days to put a finding right, by severity
DEADLINE_DAYS = {Severity.RED: 7, Severity.ORANGE: 15, Severity.YELLOW: 30, Severity.BLUE: 60}


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
    if not has_request_context():
        return "zh_CN"  # the seed, the CLI, jobs: the bureau's language
    return ui_language()


def suggest_actions(inspection: Inspection, *, today: date | None = None) -> list[Suggestion]:
    """Every answered, applicable item below its max that has no action of this inspection
    yet, in template order, with a default text, severity and deadline."""
    require_scored(inspection)
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
        # a reading's earned points are stored beside it (inspections.sync._write)
        earned = (Decimal(answer.points) if item.kind == "reading"
                  else Decimal(get_kind(item.kind).earned(item, answer)))
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


def create_actions_from_inspection(inspection: Inspection, choices: list[dict], *,
                                   actor: User | None = None) -> list[CorrectiveAction]:
    """Store the suggestions the inspector confirmed.

    ``choices``: ``[{"item_id", "description"?, "severity"?, "deadline"?}]``; a missing value
    takes the suggestion's default. An item that is not (or no longer) a suggestion is refused
    and nothing is stored.
    """
    if actor is not None and actor.role is Role.INSPECTOR and inspection.inspector_id != actor.id:
        raise Forbidden(_("Only the inspector of this inspection raises its actions."))
    # the same finding confirmed twice at once (a double click, the inspector and an officer)
    # was found without an action by both, and raised twice: the second now waits for the
    # first and finds its action
    claim_row(inspection, lambda: require_scored(inspection))
    suggestions = {s.item.id: s for s in suggest_actions(inspection)}
    if not choices:
        message = _("Choose at least one finding.")
        raise ValidationError(message, {"items": [message]})
    if owner_of(inspection=inspection, facility=inspection.facility,
                contract=inspection.contract) is None:
        raise no_owner_error()
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
            check_fields(**values, today=clock.today())
        except ValidationError as error:
            for field, messages in error.fields.items():
                errors[f"items.{item_id}.{field}"] = messages
        planned.append((suggestion, values))
    if errors:
        raise ValidationError(_("No corrective action was saved."), errors)
    return [create_action(**values, inspection=inspection, item=suggestion.item, actor=actor)
            for suggestion, values in planned]
