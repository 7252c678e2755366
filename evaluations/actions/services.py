"""Corrective actions (整改): findings a provider must put right by a deadline.

- An action comes from an item of a submitted or finalized inspection that scored below its
  maximum (``actions.suggestions`` proposes them and stores what the inspector confirmed),
  or is raised by hand on a facility or a contract (:func:`create_action`).
- Its owner is the provider answerable for the target: the inspection's provider, else the
  facility's current operator, else the contract's provider. No provider → refused.
- Life: ``open`` → the provider answers with a rectification report (``actions.rectification``)
  → ``answered`` → the officer verifies it: accepts it (``closed``), or returns it with a
  comment (back to ``open``, ``reopen_count`` + 1) for the provider to resubmit, or schedules
  a re-inspection from it. A closed action may be reopened too. An officer may
  close an open action directly, e.g. after a re-inspection found it put right.
- Overdue: the deadline has passed (deadline < today) and the action is not closed.
- Visibility: admin all; officer their region subtree; inspector the actions of their own
  inspections and those they raised; provider their own only. Anything else is a 404.

Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.scoping import one_visible, region_subtree
from app.unit_of_work import claim_row
from app.users.models import Role, User
from app.validation import date_problem
from contracts.facilities import current_operator
from contracts.listing import ProviderFilter, provider_options
from contracts.models import Contract, Facility
from evaluations.actions.models import NOT_CLOSED, ActionStatus, CorrectiveAction, Severity
from evaluations.assessment.models import TemplateItem
from evaluations.assessment.services import current_template
from evaluations.inspections.lists import eligible_inspectors
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import schedule_inspection

__all__ = [
    "ANSWERABLE", "action_owners", "action_stmt", "actions_of_inspection", "check_fields",
    "close_action", "create_action", "get_visible_action", "no_owner_error",
    "open_actions_of_facility", "overdue_clause", "owner_of", "provider_filter",
    "reinspection_inspectors", "reopen_action", "shown_reinspection", "require_reviewer",
    "require_scored", "schedule_reinspection", "state_stamp", "visible_actions",
]

MAX_DESCRIPTION = 2000
MAX_REASON = 1000
REVIEWERS = (Role.OFFICER, Role.ADMIN)
RAISERS = (Role.OFFICER, Role.ADMIN, Role.INSPECTOR)
ANSWERABLE = (ActionStatus.OPEN, ActionStatus.ANSWERED)


# ---- creating -----------------------------------------------------------------------------

def require_scored(inspection: Inspection) -> None:
    """Actions come only from an inspection with a result that stands: submitted or
    finalized, and not replaced by a finalized correction (whose findings are the ones that
    count)."""
    if inspection.status not in (InspectionStatus.SUBMITTED, InspectionStatus.FINALIZED):
        raise Conflict(_("Corrective actions come from a submitted or finalized inspection."))
    if inspection.is_replaced:
        raise Conflict(_("This result was replaced by its finalized correction; raise "
                         "corrective actions from the correction."))


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


def check_fields(description: Any, severity: Any, deadline: Any, *,
                 today: date) -> tuple[str, Severity, date]:
    """The cleaned description, severity and deadline, or a ``ValidationError`` naming each."""
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
    elif problem := date_problem(day):
        # the suggestions page hands its deadlines over as typed, past the forms' input rule
        errors["deadline"] = [problem]
    elif day < today:
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if errors:
        raise ValidationError(_("The corrective action was not saved."), errors)
    return text, grade, day  # type: ignore[return-value]


def no_owner_error() -> ValidationError:
    """The refusal of a finding that no provider can be made to put right."""
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
        # an officer sending the inspection back at the same instant would otherwise leave the
        # action on a result being redone
        claim_row(inspection, lambda: require_scored(inspection))
        facility = facility or inspection.facility
        contract = contract or inspection.contract
    if facility is None and contract is None:
        message = _("Choose the facility or the contract the action is about.")
        raise ValidationError(message, {"facility_id": [message]})
    text, grade, day = check_fields(description, severity, deadline, today=clock.today())
    region_id = (inspection.region_id if inspection is not None
                 else facility.region_id if facility is not None else contract.region_id)
    if inspection is None:
        _check_actor_region(actor, region_id, "facility_id" if facility else "contract_id")
    provider_id = owner_of(inspection=inspection, facility=facility, contract=contract)
    if provider_id is None:
        raise no_owner_error()
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


# ---- the provider answers, the officer closes or reopens --------------------------------

def require_reviewer(actor: User, action: CorrectiveAction) -> None:
    if actor.role not in REVIEWERS:
        raise Forbidden(_("Only officers close or reopen corrective actions."))


def _refuse_if(action: CorrectiveAction, status: ActionStatus, refusal: str) -> None:
    if action.status is status:
        raise Conflict(refusal)


def close_action(action: CorrectiveAction, *, actor: User, note: str = "",
                 answer_seen: str | None = None, state_seen: str | None = None
                 ) -> CorrectiveAction:
    """The officer accepts the answer (or a re-inspection's finding) and closes the action.
    ``answer_seen``: the :func:`answer_stamp` of the answer the officer read; the provider
    having answered again since → ``Conflict`` (read the new report first). ``state_seen``:
    the :func:`state_stamp` the officer's page showed (see :func:`_refuse_unless_seen`)."""
    require_reviewer(actor, action)
    note = (note or "").strip()
    if len(note) > MAX_REASON:  # refused as the page's form refuses it, never cut unsaid
        raise ValidationError(_("The corrective action was not closed."),
                              {"note": [_("At most %(n)d characters.", n=MAX_REASON)]})
    claim_row(action, lambda: _refuse_if(action, ActionStatus.CLOSED,
                                         _("This corrective action is already closed.")))
    if answer_seen is not None and answer_seen != answer_stamp(action):
        message = _("The provider sent a new rectification report after this page was "
                    "opened; read it before closing the action.")
        raise Conflict(message, {"note": [message]})
    _refuse_unless_seen(action, state_seen, "note")
    action.status = ActionStatus.CLOSED
    action.closed_at = clock.now()
    action.closed_by_id = actor.id
    action.close_note = note
    db.session.flush()
    return action


def answer_stamp(action: CorrectiveAction) -> str:
    """Which answer of the provider the action holds: when it was sent ("" before any)."""
    return action.responded_at.isoformat() if action.responded_at else ""


def state_stamp(action: CorrectiveAction) -> str:
    """Where the action stands as a page shows it: its status, how often it was returned and
    the report it holds."""
    return f"{action.status.value}:{action.reopen_count or 0}:{answer_stamp(action)}"


def _refuse_unless_seen(action: CorrectiveAction, state_seen: str | None, field: str) -> None:
    """A close or return sent from a page opened before another officer closed or returned
    the action, or before the provider answered again, would silently undo or judge what
    its sender never saw (a return reopened an action a colleague had just accepted)."""
    if state_seen is not None and state_seen != state_stamp(action):
        message = _("This corrective action was answered, returned or closed after this page "
                    "was opened; check it as it is now.")
        raise Conflict(message, {field: [message]})


def reopen_action(action: CorrectiveAction, *, reason: str, actor: User,
                  state_seen: str | None = None,
                  deadline: date | None = None) -> CorrectiveAction:
    """Send an answered or closed action back to the provider; a reason is required, and a
    new ``deadline`` when the old one has passed (else the old one holds unless another is
    given). ``state_seen``: the :func:`state_stamp` the officer's page showed."""
    require_reviewer(actor, action)
    claim_row(action, lambda: _refuse_if(action, ActionStatus.OPEN,
                                         _("This corrective action is already open.")))
    _refuse_unless_seen(action, state_seen, "reason")
    errors: dict[str, list[str]] = {}
    text = (reason or "").strip()
    if not text:
        errors["reason"] = [_("Give the reason for reopening.")]
    elif len(text) > MAX_REASON:
        errors["reason"] = [_("At most %(n)d characters.", n=MAX_REASON)]
    if problem := _resubmission_deadline_problem(action, deadline, clock.today()):
        errors["deadline"] = [problem]
    if errors:
        raise ValidationError(_("The corrective action was not returned."), errors)
    action.deadline = deadline or action.deadline
    action.status = ActionStatus.OPEN
    action.reopen_count = (action.reopen_count or 0) + 1
    action.reopen_reason = text
    action.closed_at = None
    action.closed_by_id = None
    db.session.flush()
    return action


def _resubmission_deadline_problem(action: CorrectiveAction, deadline: date | None,
                                   today: date) -> str | None:
    """Why ``deadline`` cannot be the returned report's, if it cannot. Returned after its
    deadline without a new one, the action would be overdue (a red mark on the provider) the
    moment the provider is asked to correct it."""
    if deadline is None:
        if action.deadline < today:
            return _("The deadline %(day)s has passed: give the provider a new deadline for "
                     "the corrected report.", day=action.deadline.isoformat())
        return None
    if problem := date_problem(deadline):
        return problem
    if deadline < today:
        return _("The deadline cannot be in the past.")
    return None


# ---- lists and lookups --------------------------------------------------------------------

def overdue_clause(today: date | None = None) -> sa.ColumnElement[bool]:
    return sa.and_(CorrectiveAction.deadline < (today or clock.today()), NOT_CLOSED)


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
    return one_visible(visible_actions(user), CorrectiveAction.id, action_id)


def open_actions_of_facility(facility: Facility, user: User | None = None
                             ) -> list[CorrectiveAction]:
    """The facility's actions not yet closed (those ``user`` may see, if given)."""
    stmt = visible_actions(user) if user is not None else sa.select(CorrectiveAction)
    return list(db.session.scalars(stmt.where(
        CorrectiveAction.facility_id == facility.id, NOT_CLOSED)
        .order_by(CorrectiveAction.deadline, CorrectiveAction.id)))


def actions_of_inspection(user: User, inspection: Inspection) -> list[CorrectiveAction]:
    """The actions raised from ``inspection`` that ``user`` may see, by deadline."""
    return list(db.session.scalars(action_stmt(user, inspection_id=inspection.id)))


def action_owners(user: User) -> sa.Select:
    """The ids of the providers owning an action ``user`` may see."""
    return visible_actions(user).with_only_columns(CorrectiveAction.provider_id)


def provider_filter(user: User, args: Mapping) -> ProviderFilter:
    """The action list's provider filter (``?provider_id=``): the providers owning an action
    ``user`` may see; a typeahead when there are more than a drop-down lists."""
    return provider_options(user, args, key="provider_id", among=action_owners(user))


# ---- re-inspection ------------------------------------------------------------------------

def reinspection_inspectors(facility: Facility) -> list[User]:
    """The inspectors who may re-inspect ``facility``: enabled, their region containing it."""
    return list(db.session.scalars(eligible_inspectors(facility.region)))


def shown_reinspection(action: CorrectiveAction, user: User) -> Inspection | None:
    """The action's re-inspection as ``user`` may see it. A provider sees it only once the
    inspector has submitted it: a re-inspection checks what the home really does, and a
    visit announced by its day loses its point (the provider sees no planned inspection
    elsewhere either)."""
    visit = action.reinspection
    if visit is None or user.role is not Role.PROVIDER:
        return visit
    return visit if visit.status in (InspectionStatus.SUBMITTED,
                                      InspectionStatus.FINALIZED) else None


def schedule_reinspection(facility: Facility, *, inspector: User, scheduled_for: date,
                          actor: User | None = None) -> Inspection:
    """Schedule an inspection of ``facility`` to check its open actions.

    The template is the one of the most recent inspection behind an open action (its current
    published version when a newer one exists); the open actions point at the new inspection
    (``reinspection_id``) so the officer can close them once it is done.
    """
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

