"""Rectification reports (整改报告): the provider's answer to a corrective action, and the
re-inspection an officer schedules from it.

A report has the fields the bureau's forms ask for: the cause (原因分析), the measures taken
(整改措施, stored as ``response``), the person responsible (整改责任人), the day completed (整改
完成日期), and before/after photos with any other evidence. The officer verifies it: accepts it
(``services.close_action``), returns it with a comment (``services.reopen_action``: the
provider resubmits), or schedules a re-inspection from it (:func:`reinspection_of_action`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.unit_of_work import claim_row
from app.users.models import Role, User
from evaluations.actions.evidence import store_attachment
from evaluations.actions.models import ActionStatus, AttachmentKind, CorrectiveAction
from evaluations.actions.services import ANSWERABLE, require_reviewer, schedule_reinspection
from evaluations.assessment.services import current_template
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import schedule_inspection

MAX_TEXT = 5000
MAX_PERSON = 100


def _report_fields(action: CorrectiveAction, *, response: Any, cause: Any,
                   responsible_person: Any, completed_on: Any) -> dict:
    """The cleaned fields of a rectification report, or a ``ValidationError`` naming each."""
    errors: dict[str, list[str]] = {}

    def text(value: Any, field: str, limit: int, missing: str) -> str:
        cleaned = value.strip() if isinstance(value, str) else ""
        if not cleaned:
            errors[field] = [missing]
        elif len(cleaned) > limit:
            errors[field] = [_("At most %(n)d characters.", n=limit)]
        return cleaned

    clean = {
        "cause": text(cause, "cause", MAX_TEXT, _("Say what caused the problem.")),
        "response": text(response, "response", MAX_TEXT,
                         _("Say what was done to put it right.")),
        "responsible_person": text(responsible_person, "responsible_person", MAX_PERSON,
                                   _("Name the person responsible for the rectification.")),
    }
    day = completed_on
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            day = None
    raised = (action.created_at or clock.now()).astimezone(clock.LOCAL_TZ).date()
    if not isinstance(day, date):
        errors["completed_on"] = [_("Give the day the rectification was completed "
                                    "(YYYY-MM-DD).")]
    elif day > clock.today():
        errors["completed_on"] = [_("The day completed cannot be in the future.")]
    elif day < raised:
        errors["completed_on"] = [_("The day completed cannot be before the action was raised "
                                    "(%(day)s).", day=raised.isoformat())]
    if errors:
        raise ValidationError(_("The rectification report was not sent."), errors)
    return clean | {"completed_on": day}


def _refuse_unless_answerable(action: CorrectiveAction) -> None:
    if action.status not in ANSWERABLE:
        raise Conflict(_("This corrective action is closed; it cannot be answered."))


def answer_action(action: CorrectiveAction, *, response: str, actor: User, cause: Any = None,
                  responsible_person: Any = None, completed_on: Any = None,
                  files: list[tuple[str | None, bytes]] | None = None,
                  before: list[tuple[str | None, bytes]] | None = None,
                  after: list[tuple[str | None, bytes]] | None = None) -> CorrectiveAction:
    """The provider's rectification report (整改报告): the cause, the measures taken
    (``response``), the person responsible, the day completed, and optional files (name,
    bytes): before and after photos and other evidence.

    An open action becomes ``answered``; an answered one may be answered again (the new report
    replaces the old, files are added); a returned one is resubmitted the same way. A closed
    action → Conflict."""
    if actor.role is not Role.PROVIDER or actor.provider_id != action.provider_id:
        raise NotFound(_("Not found."))
    claim_row(action, lambda: _refuse_unless_answerable(action))
    fields = _report_fields(action, response=response, cause=cause,
                            responsible_person=responsible_person, completed_on=completed_on)
    for kind, field, given in ((AttachmentKind.BEFORE, "before", before),
                               (AttachmentKind.AFTER, "after", after),
                               (AttachmentKind.EVIDENCE, "files", files)):
        for filename, data in given or []:
            if filename or data:
                store_attachment(action, filename, data, actor, kind, field)
    for name, value in fields.items():
        setattr(action, name, value)
    action.status = ActionStatus.ANSWERED
    action.responded_at = clock.now()
    action.responded_by_id = actor.id
    db.session.flush()
    return action


def _refuse_if_closed(action: CorrectiveAction) -> None:
    if action.status is ActionStatus.CLOSED:
        raise Conflict(_("This corrective action is closed; nothing is left to re-inspect."))


def reinspection_of_action(action: CorrectiveAction, *, inspector: User, scheduled_for: date,
                           actor: User | None = None) -> Inspection:
    """Schedule a re-inspection from a rectification report: of the action's home (its other
    open actions point at it too), or of its contract with the finding's template."""
    if actor is not None:
        require_reviewer(actor, action)
    # as stored: a colleague accepting the report at the same instant (or since the page was
    # read) closed it, and an inspector was sent to check a closed action
    claim_row(action, lambda: _refuse_if_closed(action))
    if action.facility is not None:
        return schedule_reinspection(action.facility, inspector=inspector,
                                     scheduled_for=scheduled_for, actor=actor)
    if action.inspection is None:
        message = _("This action was raised by hand on a contract; schedule an inspection of "
                    "the contract instead.")
        raise ValidationError(message, {"inspection_id": [message]})
    source = action.inspection
    inspection = schedule_inspection(
        template=current_template(source.template.code) or source.template,
        inspector=inspector, scheduled_for=scheduled_for, contract=action.contract, actor=actor)
    action.reinspection_id = inspection.id
    db.session.flush()
    return inspection
